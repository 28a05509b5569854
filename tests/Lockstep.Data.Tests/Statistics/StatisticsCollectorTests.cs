using Lockstep.Data.Snapshots;
using Lockstep.Data.Statistics;
using Lockstep.Data.Tables;

namespace Lockstep.Data.Tests.Statistics;

public sealed class StatisticsCollectorTests
{
    private static DatasetStatistics Compute(Table table)
    {
        var c = new StatisticsCollector(table.Layout);
        c.Add(table);
        return c.Build();
    }

    [Fact]
    public void Numeric_statistics_match_hand_computed_values_with_pandas_style_quantiles()
    {
        var values = Enumerable.Range(1, 100).Select(i => (long?)i).Append(null).ToArray();
        var s = Compute(new Table([Column.FromInt64("x", values)])).Find("x")!;
        s.Count.ShouldBe(101);
        s.Missing.ShouldBe(1);
        s.Distinct.ShouldBe(100);
        s.Min.ShouldBe(1);
        s.Max.ShouldBe(100);
        s.Mean!.Value.ShouldBe(50.5, 1e-12);
        s.StdDev!.Value.ShouldBe(29.011491975882016, 1e-9);
        s.Quantiles!["0.5"].ShouldBe(50.5);
        s.Quantiles["0.25"].ShouldBe(25.75);
        s.Quantiles["0.99"].ShouldBe(99.01, 1e-9);
        s.QuantilesExact.ShouldBe(true);
        s.Histogram!.Sum(b => b.Count).ShouldBe(100);
    }

    [Fact]
    public void Text_columns_get_top_values_lengths_and_missing_rates()
    {
        var s = Compute(new Table([Column.FromString("c", ["b", "a", "b", null, "ccc"])])).Find("c")!;
        s.Top!.Select(t => (t.Value, t.Count)).ShouldBe([("b", 2L), ("a", 1L), ("ccc", 1L)]);
        s.Lengths.ShouldBe(new TextLengths(1, 1.5, 3));
        s.MissingRate.ShouldBe(0.2);
        s.Distinct.ShouldBe(3);
    }

    [Fact]
    public async Task Columns_with_too_many_distinct_values_get_close_quantiles_from_a_second_pass()
    {
        var n = 300_000;
        var values = Enumerable.Range(0, n).Select(i => (double?)((i * 7919L) % n)).ToArray();
        using var tmp = new TempFolder();
        var path = tmp.File("s.parquet");
        await SnapshotFile.WriteAsync(new Table([Column.FromDouble("v", values)]), path, CancellationToken.None);
        var s = (await StatisticsCollector.ComputeAsync(path, CancellationToken.None)).Find("v")!;
        s.QuantilesExact.ShouldBe(false);
        s.DistinctAtLeast.ShouldBeTrue();
        s.Quantiles!["0.5"].ShouldBe((n - 1) / 2.0, (n - 1) / 10_000.0);
        s.Quantiles["0.99"].ShouldBe(0.99 * (n - 1), (n - 1) / 10_000.0);
        s.Mean!.Value.ShouldBe((n - 1) / 2.0, 1e-6);
    }

    [Fact]
    public void NaN_and_infinity_are_counted_apart_from_the_moments()
    {
        var s = Compute(new Table([Column.FromDouble("d", [1, double.NaN, 3, double.PositiveInfinity])])).Find("d")!;
        s.NonFinite.ShouldBe(2);
        s.Mean.ShouldBe(2);
    }

    [Fact]
    public void The_statistics_json_round_trips()
    {
        var stats = Compute(new Table([Column.FromInt64("x", [1, 2, 3]), Column.FromBoolean("b", [true, null, false])]));
        DatasetStatistics.FromJson(stats.ToJson(), "s.json").ToJson().ShouldBe(stats.ToJson());
    }
}
