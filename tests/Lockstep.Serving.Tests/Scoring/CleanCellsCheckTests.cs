using System.Globalization;
using Lockstep.ML.Bundles;
using Lockstep.ML.Features;
using Lockstep.Serving.Scoring;
using Lockstep.Serving.Tests.Support;
using Shouldly;
using Xunit;

namespace Lockstep.Serving.Tests.Scoring;

public sealed class CleanCellsCheckTests
{
    private static readonly LoadedModel Model = LoadedModel.FromBundle(ModelBundle.FromBytes(TestBundles.V1, "adult.lsb"));

    // adult.test's layout with the label dropped, as `lockstep predict --drop income` gives it.
    private static readonly string?[] Columns = [.. TestBundles.AdultColumns.Select(c => c == "income" ? null : c)];

    [Fact]
    public void The_encoder_given_the_checks_category_positions_writes_the_same_features_as_the_one_that_looks_every_cell_up_on_every_adult_test_row()
    {
        var check = new CleanCellsCheck(Model.Bundle.Expectations, Columns);
        var shared = Model.Transformer.CreateRowEncoder(Columns, check.CategoryLists);
        var own = Model.Transformer.CreateRowEncoder(Columns);
        var width = Model.Transformer.Width;
        var lines = File.ReadLines(TestBundles.DataPath("adult", "adult.test")).Where(l => l.Length > 0 && !l.StartsWith('|')).ToList();
        var clean = 0;
        foreach (var line in lines)
        {
            var cells = Parse(line);
            if (!check.IsClean(line, cells))
            {
                continue;
            }
            clean++;
            var a = new float[width];
            var b = new float[width];
            shared.TryEncode(line, cells, a).ShouldBe(own.TryEncode(line, cells, b), line);
            a.ShouldBe(b, line);
            // And the shared encoder's vector is the dictionary path's.
            var row = new Dictionary<string, object?>(StringComparer.Ordinal);
            for (var c = 0; c < Columns.Length; c++)
            {
                if (Columns[c] is { } name)
                {
                    row[name] = cells[c].Kind switch
                    {
                        CellKind.Missing => null,
                        CellKind.Number => cells[c].Number,
                        _ => line.Substring(cells[c].Start, cells[c].Length),
                    };
                }
            }
            var expected = new float[width];
            Model.Transformer.Transform(row, expected);
            a.ShouldBe(expected, line);
        }
        // Nearly every row of adult.test is clean; the comparison is not vacuous.
        clean.ShouldBeGreaterThan(16_000);
    }

    [Fact]
    public void A_clean_rows_category_cells_carry_their_position_in_the_allowed_list_and_other_cells_none()
    {
        var check = new CleanCellsCheck(Model.Bundle.Expectations, Columns);
        const string line = "25, Private, 226802, 11th, 7, Never-married, Machine-op-inspct, Own-child, Black, Male, 0, 0, 40, United-States, <=50K.";
        var cells = Parse(line);
        check.IsClean(line, cells).ShouldBeTrue();
        for (var c = 0; c < Columns.Length; c++)
        {
            var list = check.CategoryLists[c];
            if (cells[c].Kind == CellKind.Text && list is not null)
            {
                list[cells[c].Category].ShouldBe(line.Substring(cells[c].Start, cells[c].Length));
            }
            else
            {
                cells[c].Category.ShouldBe(-1, Columns[c]);
            }
        }
        check.CategoryLists[1].ShouldNotBeNull();
        check.CategoryLists[0].ShouldBeNull();
    }

    [Fact]
    public void A_category_cell_without_a_position_is_still_looked_up_by_the_encoder()
    {
        var check = new CleanCellsCheck(Model.Bundle.Expectations, Columns);
        var shared = Model.Transformer.CreateRowEncoder(Columns, check.CategoryLists);
        var own = Model.Transformer.CreateRowEncoder(Columns);
        const string line = "38, Private, 89814, HS-grad, 9, Married-civ-spouse, Farming-fishing, Husband, White, Male, 0, 0, 50, United-States, <=50K.";
        // Not checked first: every Category is −1.
        var cells = Parse(line);
        var a = new float[Model.Transformer.Width];
        var b = new float[Model.Transformer.Width];
        shared.TryEncode(line, cells, a).ShouldBeTrue();
        own.TryEncode(line, cells, b).ShouldBeTrue();
        a.ShouldBe(b);
    }

    /// <summary>The cells as the batch reader classifies them: trimmed, "?" or empty missing, numbers parsed.</summary>
    private static ParsedCell[] Parse(string line)
    {
        var cells = new List<ParsedCell>();
        var start = 0;
        while (true)
        {
            var comma = line.IndexOf(',', start);
            var end = comma < 0 ? line.Length : comma;
            var from = start;
            while (from < end && line[from] == ' ')
            {
                from++;
            }
            var to = end;
            while (to > from && char.IsWhiteSpace(line[to - 1]))
            {
                to--;
            }
            var text = line[from..to];
            cells.Add(text is "" or "?" ? new ParsedCell(CellKind.Missing, 0, from, text.Length)
                : double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? new ParsedCell(CellKind.Number, d, from, text.Length)
                : new ParsedCell(CellKind.Text, 0, from, text.Length));
            if (comma < 0)
            {
                return [.. cells];
            }
            start = comma + 1;
        }
    }
}
