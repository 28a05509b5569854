using Lockstep.Data.Snapshots;
using Lockstep.Data.Tables;

namespace Lockstep.Data.Tests.Snapshots;

public sealed class SnapshotFileTests
{
    private static Table Awkward(int rows)
    {
        var ids = new long?[rows];
        var xs = new double?[rows];
        var names = new string?[rows];
        var flags = new bool?[rows];
        long[] extremes = [long.MinValue, long.MaxValue, 0, -1];
        double[] doubles = [double.MinValue, double.MaxValue, double.Epsilon, -0.0, double.NaN, double.PositiveInfinity, double.NegativeInfinity];
        string?[] texts = ["", "plain", "ünïcødé ✓ 𝄞", "comma, \"quoted\"\nnewline", null, new string('x', 5000)];
        for (var i = 0; i < rows; i++)
        {
            ids[i] = i % 7 == 3 ? null : extremes[i % extremes.Length] + (i % 4 == 2 ? i : 0);
            xs[i] = i % 11 == 5 ? null : doubles[i % doubles.Length];
            names[i] = texts[i % texts.Length];
            flags[i] = (i % 3) switch { 0 => true, 1 => false, _ => null };
        }
        return new Table([Column.FromInt64("id", ids), Column.FromDouble("x", xs), Column.FromString("name", names), Column.FromBoolean("flag", flags)]);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(100)]
    [InlineData(SnapshotWriter.RowGroupSize + 17)]
    public async Task A_table_survives_a_round_trip_with_nulls_unicode_empty_strings_and_extremes(int rows)
    {
        using var tmp = new TempFolder();
        var table = Awkward(rows);
        var path = tmp.File("t.parquet");
        await SnapshotFile.WriteAsync(table, path, CancellationToken.None);
        var back = await SnapshotFile.ReadAsync(path, CancellationToken.None);

        back.Layout.ShouldBe(table.Layout);
        back.RowCount.ShouldBe(rows);
        for (var c = 0; c < table.Columns.Count; c++)
        {
            for (var r = 0; r < rows; r++)
            {
                back.Columns[c].GetValue(r).ShouldBe(table.Columns[c].GetValue(r), $"column {table.Columns[c].Name} row {r}");
            }
        }
        if (rows > 0)
        {
            // -0.0 == 0.0 under ShouldBe; compare bits to be sure the sign survives.
            var neg = Enumerable.Range(0, rows).First(r => table["x"].GetDouble(r) is { } d && d == 0 && double.IsNegative(d) || r == rows - 1);
            BitConverter.DoubleToInt64Bits(back["x"].GetDouble(neg) ?? 1).ShouldBe(BitConverter.DoubleToInt64Bits(table["x"].GetDouble(neg) ?? 1));
        }
    }

    [Fact]
    public async Task Writing_the_same_table_twice_gives_identical_bytes()
    {
        using var tmp = new TempFolder();
        var table = Awkward(SnapshotWriter.RowGroupSize * 2 + 5);
        await SnapshotFile.WriteAsync(table, tmp.File("a.parquet"), CancellationToken.None);
        await Task.Delay(1100);
        await SnapshotFile.WriteAsync(table, tmp.File("b.parquet"), CancellationToken.None);
        File.ReadAllBytes(tmp.File("a.parquet")).ShouldBe(File.ReadAllBytes(tmp.File("b.parquet")));
    }

    [Fact]
    public async Task Batch_sizes_do_not_change_the_bytes()
    {
        using var tmp = new TempFolder();
        var table = Awkward(SnapshotWriter.RowGroupSize + 1000);
        await SnapshotFile.WriteAsync(table, tmp.File("whole.parquet"), CancellationToken.None);
        await using (var writer = await SnapshotWriter.CreateAsync(tmp.File("batched.parquet"), table.Layout, null, CancellationToken.None))
        {
            for (var start = 0; start < table.RowCount; start += 9999)
            {
                await writer.WriteAsync(table.Slice(start, Math.Min(9999, table.RowCount - start)), CancellationToken.None);
            }
            await writer.CompleteAsync(CancellationToken.None);
        }
        File.ReadAllBytes(tmp.File("batched.parquet")).ShouldBe(File.ReadAllBytes(tmp.File("whole.parquet")));
    }

    [Fact]
    public async Task Changing_one_cell_changes_the_bytes()
    {
        using var tmp = new TempFolder();
        var a = new Table([Column.FromInt64("v", [1, 2, 3])]);
        var b = new Table([Column.FromInt64("v", [1, 2, 4])]);
        await SnapshotFile.WriteAsync(a, tmp.File("a.parquet"), CancellationToken.None);
        await SnapshotFile.WriteAsync(b, tmp.File("b.parquet"), CancellationToken.None);
        File.ReadAllBytes(tmp.File("a.parquet")).ShouldNotBe(File.ReadAllBytes(tmp.File("b.parquet")));
    }

    [Fact]
    public async Task The_reader_streams_one_row_group_at_a_time_and_reports_the_format()
    {
        using var tmp = new TempFolder();
        var table = Awkward(SnapshotWriter.RowGroupSize * 2 + 3);
        await SnapshotFile.WriteAsync(table, tmp.File("t.parquet"), CancellationToken.None);
        await using var reader = await SnapshotReader.OpenAsync(tmp.File("t.parquet"), CancellationToken.None);
        reader.RowCount.ShouldBe(table.RowCount);
        reader.Metadata[SnapshotWriter.FormatKey].ShouldBe("snapshot/1");
        var sizes = new List<int>();
        await foreach (var batch in reader.ReadBatchesAsync(CancellationToken.None))
        {
            sizes.Add(batch.RowCount);
        }
        sizes.ShouldBe([SnapshotWriter.RowGroupSize, SnapshotWriter.RowGroupSize, 3]);
    }

    [Fact]
    public async Task A_file_that_is_not_a_snapshot_is_a_clear_error()
    {
        using var tmp = new TempFolder();
        var path = tmp.Write("x.parquet", "not parquet at all");
        var e = await Should.ThrowAsync<DataException>(() => SnapshotFile.ReadAsync(path, CancellationToken.None));
        e.Message.ShouldContain(path);
    }
}
