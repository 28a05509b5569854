using System.Text;
using Lockstep.Data.Ingest;
using Lockstep.Data.Tables;

namespace Lockstep.Data.Tests.Ingest;

public sealed class DelimitedParsingTests
{
    [Fact]
    public async Task Quoted_fields_keep_embedded_delimiters_newlines_and_doubled_quotes()
    {
        using var h = new IngestHarness();
        await h.Run("id,text\r\n1,\"a, b\"\r\n2,\"line1\nline2\"\r\n3,\"say \"\"hi\"\"\"\r\n4,\r\n");
        var t = await h.Snapshot();
        t["text"].GetString(0).ShouldBe("a, b");
        t["text"].GetString(1).ShouldBe("line1\nline2");
        t["text"].GetString(2).ShouldBe("say \"hi\"");
        t["text"].IsNull(3).ShouldBeTrue();
        t["id"].Type.ShouldBe(ColumnType.Int64);
    }

    [Fact]
    public async Task A_byte_order_mark_comment_lines_and_blank_lines_are_skipped()
    {
        using var h = new IngestHarness();
        var bytes = new byte[] { 0xEF, 0xBB, 0xBF }.Concat(Encoding.UTF8.GetBytes("# exported\nx;y\n\n1;2\n# note\n3;4")).ToArray();
        var r = await h.Run(bytes, new IngestOptions { Delimited = new DelimitedOptions { Delimiter = ";", CommentPrefix = "#" } });
        r.RowCount.ShouldBe(2);
        var t = await h.Snapshot();
        t.Columns[0].Name.ShouldBe("x");
        t["y"].GetInt64(1).ShouldBe(4);
    }

    [Fact]
    public async Task A_multi_character_delimiter_splits_only_on_the_whole_delimiter()
    {
        using var h = new IngestHarness();
        await h.Run("a, b\n1,5, x\n", new IngestOptions { Delimited = new DelimitedOptions { Delimiter = ", " } });
        var t = await h.Snapshot();
        t["a"].GetString(0).ShouldBe("1,5");
        t["b"].GetString(0).ShouldBe("x");
    }

    [Fact]
    public async Task Records_that_cross_the_read_buffer_boundary_are_read_intact()
    {
        var sb = new StringBuilder("id,text,x\n");
        for (var i = 0; i < 60_000; i++)
        {
            sb.Append(i).Append(",\"multi\nline, ").Append(i).Append("\",").Append(i * 0.5).Append('\n');
        }
        using var h = new IngestHarness();
        var r = await h.Run(sb.ToString());
        r.RowCount.ShouldBe(60_000);
        var t = await h.Snapshot();
        for (var i = 0; i < 60_000; i += 997)
        {
            t["text"].GetString(i).ShouldBe($"multi\nline, {i}");
            t["x"].GetDouble(i).ShouldBe(i * 0.5);
        }
    }

    [Fact]
    public async Task Missing_markers_become_nulls_and_numbers_keep_their_type()
    {
        using var h = new IngestHarness();
        var r = await h.Run("a,b\n1,NA\n?,2.5\n3,\n", new IngestOptions { Missing = ["NA", "?", ""] });
        var t = await h.Snapshot();
        t["a"].Type.ShouldBe(ColumnType.Int64);
        t["a"].IsNull(1).ShouldBeTrue();
        t["b"].Type.ShouldBe(ColumnType.Double);
        t["b"].NullCount.ShouldBe(2);
        r.Statistics.Find("b")!.Missing.ShouldBe(2);
    }

    [Fact]
    public async Task A_value_past_the_inference_rows_widens_the_type_as_a_full_scan_would()
    {
        var sb = new StringBuilder("n,flag,late\n");
        for (var i = 0; i < 500; i++)
        {
            sb.Append(i).Append(',').Append(i % 2 == 0 ? "true" : "false").Append(',').Append(i < 400 ? "" : "7").Append('\n');
        }
        sb.Append("1.5,maybe,x\n");
        using var h = new IngestHarness();
        var r = await h.Run(sb.ToString(), new IngestOptions { InferenceRows = 10 });
        r.TypeRestarts.ShouldBeGreaterThan(0);
        var t = await h.Snapshot();
        t["n"].Type.ShouldBe(ColumnType.Double);
        t["flag"].Type.ShouldBe(ColumnType.String);
        t["late"].Type.ShouldBe(ColumnType.String);
        t.RowCount.ShouldBe(501);
    }

    [Fact]
    public async Task Booleans_are_inferred_and_declared_booleans_accept_yes_no()
    {
        using var h = new IngestHarness();
        var options = new IngestOptions { Types = new Dictionary<string, ColumnType> { ["b"] = ColumnType.Boolean } };
        await h.Run("a,b\nTrue,yes\nfalse,0\n", options);
        var t = await h.Snapshot();
        t["a"].Type.ShouldBe(ColumnType.Boolean);
        t["a"].GetBoolean(0).ShouldBe(true);
        t["b"].GetBoolean(1).ShouldBe(false);
    }

    [Fact]
    public async Task A_declared_key_sorts_rows_stably()
    {
        using var h = new IngestHarness();
        await h.Run("k,v\n3,a\n1,b\n3,c\n2,d\n", new IngestOptions { Key = ["k"] });
        var t = await h.Snapshot();
        Enumerable.Range(0, 4).Select(i => t["v"].GetString(i)).ShouldBe(["b", "d", "a", "c"]);
    }

    [Fact]
    public async Task The_same_data_gives_the_same_snapshot_bytes_whatever_the_file_name_and_one_changed_cell_changes_them()
    {
        const string text = "a,b\n1,x\n2,y\n";
        using var h1 = new IngestHarness();
        await h1.Run(text, name: "first.csv");
        using var h2 = new IngestHarness();
        await h2.Run(text, name: "second.csv");
        File.ReadAllBytes(h1.SnapshotPath).ShouldBe(File.ReadAllBytes(h2.SnapshotPath));
        using var h3 = new IngestHarness();
        await h3.Run("a,b\n1,x\n2,z\n");
        File.ReadAllBytes(h3.SnapshotPath).ShouldNotBe(File.ReadAllBytes(h1.SnapshotPath));
    }

    [Fact]
    public async Task Batch_size_does_not_change_the_snapshot_or_the_statistics()
    {
        var sb = new StringBuilder("a,b\n");
        for (var i = 0; i < 3000; i++)
        {
            sb.Append(i % 17).Append(',').Append("v" + (i % 5)).Append('\n');
        }
        using var h1 = new IngestHarness();
        var r1 = await h1.Run(sb.ToString(), new IngestOptions { BatchRows = 7 });
        using var h2 = new IngestHarness();
        var r2 = await h2.Run(sb.ToString(), new IngestOptions { BatchRows = 100_000 });
        File.ReadAllBytes(h1.SnapshotPath).ShouldBe(File.ReadAllBytes(h2.SnapshotPath));
        r1.Statistics.ToJson().ShouldBe(r2.Statistics.ToJson());
    }
}
