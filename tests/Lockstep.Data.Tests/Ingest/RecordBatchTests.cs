using System.Text;
using Lockstep.Data.Ingest;
using Lockstep.Data.Tables;

namespace Lockstep.Data.Tests.Ingest;

/// <summary>
/// Ingest cuts records on one task and converts them on another, in runs of
/// <see cref="RecordBatch.MaxRecords"/>: rows, lines, rejects and errors must come out as a
/// sequential read gives them, also far past the first run of records.
/// </summary>
public sealed class RecordBatchTests
{
    private const int Rows = RecordBatch.MaxRecords * 3 + 17;

    private static string Lines(int rows, Func<int, string> row)
    {
        var text = new StringBuilder("id,name,score\n");
        for (var i = 0; i < rows; i++)
        {
            text.Append(row(i)).Append('\n');
        }
        return text.ToString();
    }

    [Fact]
    public async Task Rows_spanning_several_runs_arrive_whole_and_in_order_with_escaped_quotes_intact()
    {
        using var h = new IngestHarness();
        var r = await h.Run(Lines(Rows, i => i % 1000 == 7 ? $"{i},\"say \"\"hi\"\", {i}\",{i}.5" : $"{i},n{i},{i}.5"));
        r.RowCount.ShouldBe(Rows);
        var t = await h.Snapshot();
        for (var i = 0; i < Rows; i++)
        {
            t.Columns[0].GetInt64(i).ShouldBe(i);
            t.Columns[1].GetString(i).ShouldBe(i % 1000 == 7 ? $"say \"hi\", {i}" : $"n{i}");
            t.Columns[2].GetDouble(i).ShouldBe(i + 0.5);
        }
    }

    [Fact]
    public async Task A_bad_row_in_a_later_run_is_reported_with_its_own_line()
    {
        using var h = new IngestHarness();
        var bad = RecordBatch.MaxRecords * 2 + 5; // line bad + 2 (header, 1-based)
        var e = await Should.ThrowAsync<DataException>(() => h.Run(Lines(Rows, i => i == bad ? $"{i},n{i}" : $"{i},n{i},{i}")));
        e.Message.ShouldContain($"input.csv line {bad + 2}: 2 fields, expected 3");
        File.Exists(h.SnapshotPath).ShouldBeFalse();
    }

    [Fact]
    public async Task Rejects_from_several_runs_keep_their_lines_offsets_and_records()
    {
        using var h = new IngestHarness();
        var text = Lines(Rows, i => i % 5000 == 4999 ? $"{i},broken" : $"{i},n{i},{i}");
        var r = await h.Run(text, new IngestOptions { OnBadRows = BadRowPolicy.Skip });
        var expected = Enumerable.Range(0, Rows).Where(i => i % 5000 == 4999).ToArray();
        r.RejectedCount.ShouldBe(expected.Length);
        r.RowCount.ShouldBe(Rows - expected.Length);
        var rejects = h.Rejects();
        rejects.Length.ShouldBe(expected.Length);
        for (var k = 0; k < expected.Length; k++)
        {
            var offset = Encoding.UTF8.GetByteCount(text[..text.IndexOf($"\n{expected[k]},broken\n", StringComparison.Ordinal)]) + 1;
            rejects[k].ShouldContain($"\"line\":{expected[k] + 2},");
            rejects[k].ShouldContain($"\"offset\":{offset},");
            rejects[k].ShouldContain($"\"record\":\"{expected[k]},broken\"");
        }
    }

    [Fact]
    public async Task A_bad_value_before_a_broken_end_of_file_is_the_error_reported()
    {
        // Sequentially the wrong type at line 3 is met first; the unclosed quote near the end
        // fails the record reader, which runs ahead of the conversion: the earlier error must win.
        using var h = new IngestHarness();
        var options = new IngestOptions { Types = new Dictionary<string, ColumnType> { ["score"] = ColumnType.Int64 } };
        var text = Lines(Rows, i => i == 1 ? "1,n1,lots" : $"{i},n{i},{i}") + "9,\"never closed,1\n";
        var e = await Should.ThrowAsync<DataException>(() => h.Run(text, options));
        e.Message.ShouldContain("line 3, column 'score'");
    }

    [Fact]
    public async Task A_reader_failure_after_many_good_rows_is_reported_at_its_line()
    {
        using var h = new IngestHarness();
        var text = Lines(Rows, i => $"{i},n{i},{i}") + "9,\"never closed,1\n10,x,1\n";
        var e = await Should.ThrowAsync<DataException>(() => h.Run(text));
        e.Message.ShouldContain($"line {Rows + 2}");
        e.Message.ShouldContain("never closed");
        File.Exists(h.SnapshotPath).ShouldBeFalse();
    }
}
