using System.Text;
using Shouldly;
using Spectre.Console;
using Xunit;

namespace Lockstep.Cli.Tests;

/// <summary>PlainTable writes byte for byte what Spectre writes for the same table, or declines.</summary>
public sealed class PlainTableTests
{
    private static readonly string[] Headers = ["step", "status", "time", "outputs", "why"];

    private sealed class Utf8Writer : StringWriter
    {
        public override Encoding Encoding => new UTF8Encoding(false);
    }

    private static (bool Plain, string Text) Plain(IReadOnlyList<IReadOnlyList<string>> rows, int width = 160)
    {
        var writer = new Utf8Writer();
        var console = CliSession.CreateConsole(writer, interactive: false);
        console.Profile.Width = width;
        return (PlainTable.TryWrite(console, writer, Headers, rows), writer.ToString());
    }

    private static string Spectre(IReadOnlyList<IReadOnlyList<string>> rows, int width = 160)
    {
        var writer = new Utf8Writer();
        var console = CliSession.CreateConsole(writer, interactive: false);
        console.Profile.Width = width;
        var table = new Table().Border(TableBorder.Simple).AddColumns(Headers);
        foreach (var row in rows)
        {
            table.AddRow(row.Select(Markup.Escape).ToArray());
        }
        console.Write(table);
        return writer.ToString();
    }

    [Fact]
    public void A_cached_run_table_is_written_as_Spectre_writes_it()
    {
        IReadOnlyList<string>[] rows =
        [
            ["clean", "cached", "0.02s", "rows 8c2ea734353f", "cached: same code, parameters, inputs and environment as run 20261124-131240-9d2aaa"],
            ["by_education", "ran", "1.25s", "table ca0a2cb1526d\nchart 3bd5e1ca5a19", "first run of this step"],
            ["report", "skipped", "0.00s", "", "not run: it depends on 'by_education', which did not succeed"],
        ];
        var (plain, text) = Plain(rows);
        plain.ShouldBeTrue();
        text.ShouldBe(Spectre(rows));
    }

    [Fact]
    public void Generated_tables_are_written_as_Spectre_writes_them_or_left_to_Spectre()
    {
        var random = new Random(20261124);
        string Word() => new(Enumerable.Range(0, random.Next(1, 14)).Select(_ => "abcdefghijklmnopqrstuvwxyz0123456789_-.:,'()=/"[random.Next(46)]).ToArray());
        string Words(int max) => string.Join(' ', Enumerable.Range(0, random.Next(1, max)).Select(_ => Word()));
        var written = 0;
        for (var i = 0; i < 400; i++)
        {
            var rows = Enumerable.Range(0, random.Next(0, 7)).Select(_ => (IReadOnlyList<string>)
            [
                Word(),
                random.Next(4) switch { 0 => "cached", 1 => "ran", 2 => "FAILED", _ => "skipped" },
                $"{random.Next(0, 5000) / 100.0:0.00}s",
                string.Join('\n', Enumerable.Range(0, random.Next(0, 4)).Select(_ => $"{Word()} {random.Next():x8}")),
                Words(random.Next(2, 30)),
            ]).ToList();
            var width = random.Next(60, 200);
            var (plain, text) = Plain(rows, width);
            if (plain)
            {
                written++;
                text.ShouldBe(Spectre(rows, width), $"table {i}, width {width}");
            }
            else
            {
                text.ShouldBeEmpty();
            }
        }
        written.ShouldBeGreaterThan(100);
    }

    [Theory]
    [InlineData("two  spaces")]
    [InlineData(" leading")]
    [InlineData("trailing ")]
    [InlineData("tab\there")]
    [InlineData("[markup]")]
    [InlineData("← arrow")]
    [InlineData("line\n\nblank")]
    public void Cells_it_cannot_be_sure_of_are_left_to_Spectre(string why) =>
        Plain([["s", "ran", "0.00s", "", why]]).Plain.ShouldBeFalse();

    [Fact]
    public void A_table_wider_than_the_console_is_left_to_Spectre()
    {
        IReadOnlyList<string>[] rows = [["s", "ran", "0.00s", "", string.Join(' ', Enumerable.Repeat("word", 40))]];
        Plain(rows).Plain.ShouldBeFalse();
    }
}
