using Lockstep.Data.Diff;
using Lockstep.Data.Statistics;
using Lockstep.Data.Tables;

namespace Lockstep.Data.Tests.Diff;

public sealed class DatasetDiffTests
{
    private static DatasetStatistics Stats(Table t)
    {
        var c = new StatisticsCollector(t.Layout);
        c.Add(t);
        return c.Build();
    }

    [Fact]
    public void The_diff_lists_added_removed_and_retyped_columns_and_ranks_the_largest_shift_first()
    {
        var a = Stats(new Table([Column.FromInt64("x", [1, 2, 3, 4]), Column.FromString("c", ["a", "a", "b", "b"]), Column.FromInt64("gone", [1, 1, 1, 1]), Column.FromInt64("t", [1, 2, 3, 4])]));
        var b = Stats(new Table([Column.FromInt64("x", [1, 2, 3, 40]), Column.FromString("c", ["a", "a", "b", "a"]), Column.FromInt64("new", [1, 1, 1, 1]), Column.FromString("t", ["1", "2", "3", "4"])]));
        var d = DatasetDiff.Compute(a, b);
        d.Added.ShouldBe(["new"]);
        d.Removed.ShouldBe(["gone"]);
        d.Retyped.ShouldBe([("t", "int64", "string")]);
        d.Shifts[0].Column.ShouldBe("x");
        d.Shifts[0].Measure.ShouldBe("std dev");
        d.Identical.ShouldBeFalse();
        DatasetDiff.Compute(a, a).Identical.ShouldBeTrue();
    }
}
