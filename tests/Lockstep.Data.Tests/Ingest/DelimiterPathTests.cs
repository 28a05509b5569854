using System.Text;
using Lockstep.Data.Ingest;

namespace Lockstep.Data.Tests.Ingest;

/// <summary>
/// The reader cuts records with a one-byte delimiter on a vectorised path and everything else
/// (multi-byte delimiters, quoted records) on the general path; both must read the same fields.
/// </summary>
public sealed class DelimiterPathTests
{
    [Theory]
    [InlineData(1, "\n", true)]
    [InlineData(2, "\r\n", false)]
    [InlineData(3, "\n", false)]
    public async Task A_one_byte_delimiter_reads_the_same_fields_as_a_multi_byte_delimiter(int seed, string newline, bool finalNewline)
    {
        var rnd = new Random(seed);
        var records = new List<string[]>();
        for (var r = 0; r < 40_000; r++)
        {
            var n = 1 + rnd.Next(70);
            var fields = new string[n];
            for (var f = 0; f < n; f++)
            {
                fields[f] = RandomText(rnd, rnd.Next(6) == 0);
            }
            fields[0] = "r" + r.ToString(System.Globalization.CultureInfo.InvariantCulture); // a blank line is not a record
            records.Add(fields);
        }
        var one = Render(records, ",", newline, finalNewline);
        var two = Render(records, ";;", newline, finalNewline);
        var a = await ReadAll(one, ",");
        var b = await ReadAll(two, ";;");
        a.Count.ShouldBe(records.Count);
        b.Count.ShouldBe(records.Count);
        for (var i = 0; i < records.Count; i++)
        {
            a[i].ShouldBe(b[i], $"record {i}");
        }
    }

    [Fact]
    public async Task Records_longer_than_a_vector_keep_empty_and_trailing_fields()
    {
        var line = string.Join(",", Enumerable.Range(0, 50).Select(i => i % 7 == 0 ? "" : "v" + i)) + ",";
        var rows = await ReadAll(line + "\n" + line, ",");
        rows.Count.ShouldBe(2);
        rows[1].ShouldBe(line.Split(','));
    }

    private static string RandomText(Random rnd, bool quoted)
    {
        const string plain = "ab1 .-x9";
        const string special = "ab, \"\n;";
        var sb = new StringBuilder();
        var len = rnd.Next(rnd.Next(8) == 0 ? 60 : 6);
        for (var i = 0; i < len; i++)
        {
            sb.Append(quoted ? special[rnd.Next(special.Length)] : plain[rnd.Next(plain.Length)]);
        }
        // Quoted fields never hold ';' next to a delimiter so the ';;' rendering stays unambiguous.
        return quoted ? "\"" + sb.ToString().Replace(";", "y", StringComparison.Ordinal).Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : sb.ToString();
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

    private static async Task<List<string[]>> ReadAll(string text, string delimiter)
    {
        var reader = new DelimitedReader(new MemoryStream(Encoding.UTF8.GetBytes(text)), "test.csv",
            new DelimitedOptions { Delimiter = delimiter, HasHeader = false });
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
