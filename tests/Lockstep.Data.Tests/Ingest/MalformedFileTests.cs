using System.Text;
using Lockstep.Data.Ingest;
using Lockstep.Data.Tables;

namespace Lockstep.Data.Tests.Ingest;

/// <summary>The malformed-file corpus: each case is a clear error or, under skip, a correct rejects file — never a partial snapshot.</summary>
public sealed class MalformedFileTests
{
    private static readonly IngestOptions Skip = new() { OnBadRows = BadRowPolicy.Skip };

    private static async Task<DataException> Fails(IngestHarness h, byte[] bytes, IngestOptions? options = null)
    {
        var e = await Should.ThrowAsync<DataException>(() => h.Run(bytes, options));
        File.Exists(h.SnapshotPath).ShouldBeFalse("no partial snapshot may be left behind");
        e.Message.ShouldNotContain("   at ");
        return e;
    }

    private static byte[] B(string s) => Encoding.UTF8.GetBytes(s);

    [Fact]
    public async Task A_truncated_row_is_an_error_naming_its_line()
    {
        using var h = new IngestHarness();
        var e = await Fails(h, B("a,b,c\n1,2,3\n4,5\n6,7,8\n"));
        e.Message.ShouldContain("input.csv line 3");
        e.Message.ShouldContain("2 fields, expected 3");
    }

    [Fact]
    public async Task A_truncated_row_under_skip_goes_to_the_rejects_file_with_its_line()
    {
        using var h = new IngestHarness();
        var r = await h.Run("a,b,c\n1,2,3\n4,5\n6,7,8\n", Skip);
        r.RowCount.ShouldBe(2);
        r.RejectedCount.ShouldBe(1);
        var rejects = h.Rejects();
        rejects.Length.ShouldBe(1);
        rejects[0].ShouldContain("\"line\":3");
        rejects[0].ShouldContain("\"record\":\"4,5\"");
    }

    [Fact]
    public async Task An_unbalanced_quote_is_an_error_naming_the_line_where_the_field_starts()
    {
        using var h = new IngestHarness();
        var e = await Fails(h, B("a,b\n1,\"x\n2,y\n3,z\n"));
        e.Message.ShouldContain("line 2");
        e.Message.ShouldContain("never closed");
    }

    [Fact]
    public async Task A_value_that_does_not_fit_a_declared_type_names_the_line_and_column()
    {
        using var h = new IngestHarness();
        var options = new IngestOptions { Types = new Dictionary<string, ColumnType> { ["age"] = ColumnType.Int64 } };
        var e = await Fails(h, B("name,age\nann,31\nbob,thirty\n"), options);
        e.Message.ShouldContain("line 3, column 'age'");
        e.Message.ShouldContain("'thirty' is not an int64");
    }

    [Fact]
    public async Task A_wrong_type_under_skip_is_rejected_and_the_row_is_left_out_whole()
    {
        using var h = new IngestHarness();
        var options = Skip with { Types = new Dictionary<string, ColumnType> { ["age"] = ColumnType.Int64 } };
        var r = await h.Run("name,age,city\nann,31,x\nbob,thirty,y\ncid,40,z\n", options);
        r.RowCount.ShouldBe(2);
        var t = await h.Snapshot();
        t["name"].GetString(1).ShouldBe("cid");
        t["city"].GetString(1).ShouldBe("z");
        h.Rejects().Single().ShouldContain("thirty");
    }

    [Fact]
    public async Task Invalid_utf8_is_an_error_naming_the_file_line_and_byte_offset()
    {
        using var h = new IngestHarness();
        var bytes = B("a,b\nok,1\n").Concat(new byte[] { (byte)'b', 0xC3, 0x28, (byte)',', (byte)'2', (byte)'\n' }).ToArray();
        var e = await Fails(h, bytes);
        e.Message.ShouldContain("input.csv line 3, byte offset 10");
        e.Message.ShouldContain("not valid UTF-8");
    }

    [Fact]
    public async Task Invalid_utf8_under_skip_is_rejected()
    {
        using var h = new IngestHarness();
        var bytes = B("a,b\nok,1\n").Concat(new byte[] { 0xFF, (byte)',', (byte)'2', (byte)'\n' }).Concat(B("fine,3\n")).ToArray();
        var r = await h.Run(bytes, Skip);
        r.RowCount.ShouldBe(2);
        r.RejectedCount.ShouldBe(1);
        h.Rejects().Single().ShouldContain("\"line\":3");
    }

    [Fact]
    public async Task An_empty_file_is_a_clear_error()
    {
        using var h = new IngestHarness();
        var e = await Fails(h, []);
        e.Message.ShouldContain("empty");
    }

    [Fact]
    public async Task A_header_only_file_is_a_clear_error()
    {
        using var h = new IngestHarness();
        var e = await Fails(h, B("a,b,c\n"));
        e.Message.ShouldContain("header row but no data rows");
    }

    [Fact]
    public async Task Duplicate_column_names_are_an_error_naming_both_positions()
    {
        using var h = new IngestHarness();
        var e = await Fails(h, B("id,x,id\n1,2,3\n"));
        e.Message.ShouldContain("'id' appears twice (columns 1 and 3)");
    }

    [Fact]
    public async Task A_one_megabyte_field_is_read_whole()
    {
        using var h = new IngestHarness();
        var big = new string('x', 1 << 20);
        var r = await h.Run($"id,text\n1,\"{big}\"\n2,short\n");
        r.RowCount.ShouldBe(2);
        (await h.Snapshot())["text"].GetString(0)!.Length.ShouldBe(1 << 20);
    }

    [Fact]
    public async Task Every_row_rejected_is_an_error_not_an_empty_snapshot()
    {
        using var h = new IngestHarness();
        var e = await Fails(h, B("a,b\n1\n2\n"), Skip);
        e.Message.ShouldContain("every row");
    }

    [Fact]
    public async Task Text_after_a_closing_quote_is_an_error()
    {
        using var h = new IngestHarness();
        var e = await Fails(h, B("a,b\n\"x\"y,1\n"));
        e.Message.ShouldContain("after a closing quote");
    }

    [Fact]
    public async Task A_truncated_gzip_file_is_a_clear_error()
    {
        using var h = new IngestHarness();
        using var ms = new MemoryStream();
        using (var gz = new System.IO.Compression.GZipStream(ms, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true))
        {
            var rnd = new Random(1);
            for (var i = 0; i < 20000; i++)
            {
                gz.Write(B($"{i},{rnd.Next()}\n"));
            }
        }
        var bytes = ms.ToArray()[..(int)(ms.Length / 2)];
        bytes[^100] ^= 0x55;
        var e = await Fails(h, bytes, new IngestOptions { Delimited = new DelimitedOptions { HasHeader = false } });
        e.Message.ShouldContain("input.csv");
    }

    [Fact]
    public async Task A_utf16_file_is_refused_with_what_to_do()
    {
        using var h = new IngestHarness();
        var e = await Fails(h, Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes("a,b\n1,2\n")).ToArray());
        e.Message.ShouldContain("UTF-16");
    }
}
