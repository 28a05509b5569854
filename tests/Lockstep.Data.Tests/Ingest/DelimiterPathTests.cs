using System.Globalization;
using System.Text;
using Lockstep.Data.Ingest;

namespace Lockstep.Data.Tests.Ingest;

/// <summary>
/// The reader cuts records without quotes on a vectorised path and records with quotes on the
/// general path; both must read the same fields as the text says, for any delimiter.
/// </summary>
public sealed class DelimiterPathTests
{
    [Theory]
    [InlineData(1, ",", "\n", true)]
    [InlineData(2, ",", "\r\n", false)]
    [InlineData(3, ";;", "\n", false)]
    [InlineData(4, ", ", "\r\n", true)]
    [InlineData(5, "\t", "\n", true)]
    public async Task Both_paths_read_the_fields_the_text_holds(int seed, string delimiter, string newline, bool finalNewline)
    {
        var rnd = new Random(seed);
        var raw = new List<string[]>();
        var values = new List<string[]>();
        for (var r = 0; r < 30_000; r++)
        {
            var n = 1 + rnd.Next(70);
            var rawFields = new string[n];
            var valueFields = new string[n];
            for (var f = 0; f < n; f++)
            {
                (rawFields[f], valueFields[f]) = RandomField(rnd, rnd.Next(8) == 0);
            }
            // A blank line is not a record.
            rawFields[0] = valueFields[0] = "r" + r.ToString(CultureInfo.InvariantCulture);
            raw.Add(rawFields);
            values.Add(valueFields);
        }
        var text = Render(raw, delimiter, newline, finalNewline);
        var fast = await ReadAll(text, delimiter, generalPathOnly: false);
        var general = await ReadAll(text, delimiter, generalPathOnly: true);
        fast.Count.ShouldBe(values.Count);
        general.Count.ShouldBe(values.Count);
        for (var i = 0; i < values.Count; i++)
        {
            fast[i].ShouldBe(values[i], $"record {i} (vectorised path)");
            general[i].ShouldBe(values[i], $"record {i} (general path)");
        }
    }

    [Fact]
    public async Task Records_longer_than_a_vector_keep_empty_and_trailing_fields()
    {
        var line = string.Join(",", Enumerable.Range(0, 50).Select(i => i % 7 == 0 ? "" : "v" + i)) + ",";
        var rows = await ReadAll(line + "\n" + line, ",", generalPathOnly: false);
        rows.Count.ShouldBe(2);
        rows[1].ShouldBe(line.Split(','));
    }

    [Fact]
    public async Task A_delimiter_whose_bytes_repeat_is_matched_left_to_right()
    {
        var rows = await ReadAll("aaa|||b||c" + new string('x', 40) + "||\n", "||", generalPathOnly: false);
        var general = await ReadAll("aaa|||b||c" + new string('x', 40) + "||\n", "||", generalPathOnly: true);
        rows[0].ShouldBe(["aaa", "|b", "c" + new string('x', 40), ""]);
        general[0].ShouldBe(rows[0]);
    }

    private static (string Raw, string Value) RandomField(Random rnd, bool quoted)
    {
        const string plain = "ab1.-x9";
        const string special = "ab,| \"\n\r;\t";
        var sb = new StringBuilder();
        var len = rnd.Next(rnd.Next(8) == 0 ? 60 : 6);
        for (var i = 0; i < len; i++)
        {
            sb.Append(quoted ? special[rnd.Next(special.Length)] : plain[rnd.Next(plain.Length)]);
        }
        var value = sb.ToString();
        return quoted ? ("\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"", value) : (value, value);
    }

    private static string Render(List<string[]> records, string delimiter, string newline, bool finalNewline)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < records.Count; i++)
        {
            sb.Append(string.Join(delimiter, records[i]));
            if (i < records.Count - 1 || finalNewline)
            {
                sb.Append(newline);
            }
        }
        return sb.ToString();
    }

    private static async Task<List<string[]>> ReadAll(string text, string delimiter, bool generalPathOnly)
    {
        var reader = new DelimitedReader(new MemoryStream(Encoding.UTF8.GetBytes(text)), "test.csv",
            new DelimitedOptions { Delimiter = delimiter, HasHeader = false }, generalPathOnly);
        await using var _ = reader.ConfigureAwait(false);
        var rows = new List<string[]>();
        while (await reader.ReadAsync(CancellationToken.None))
        {
            var fields = new string[reader.FieldCount];
            for (var i = 0; i < fields.Length; i++)
            {
                fields[i] = Encoding.UTF8.GetString(reader.Field(i));
            }
            rows.Add(fields);
        }
        return rows;
    }
}
