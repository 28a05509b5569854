using Lockstep.ML.Splitting;

namespace Lockstep.ML.Tests.Splitting;

public sealed class SplitterTests
{
    [Fact]
    public void The_same_seed_gives_the_same_split_and_another_seed_another()
    {
        Splitter.Random(1000, 0.2, 7).Test.ShouldBe(Splitter.Random(1000, 0.2, 7).Test);
        Splitter.Random(1000, 0.2, 7).Test.ShouldNotBe(Splitter.Random(1000, 0.2, 8).Test);
        Splitter.Random(1000, 0.2, 7).Test.Length.ShouldBe(200);
    }

    [Fact]
    public void A_stratified_split_keeps_each_label_share_in_both_parts()
    {
        var labels = Enumerable.Range(0, 1000).Select(i => i % 10 == 0 ? "rare" : "common").ToArray();

        var (train, test) = Splitter.Stratified(labels, 0.25, 1);

        test.Count(i => labels[i] == "rare").ShouldBe(25);
        train.Count(i => labels[i] == "rare").ShouldBe(75);
        train.Concat(test).Order().ShouldBe(Enumerable.Range(0, 1000));
    }

    [Fact]
    public void An_ordered_split_puts_the_latest_rows_in_the_test_part()
    {
        double[] keys = [5, 1, 4, 2, 3];

        var (train, test) = Splitter.Ordered(keys, 0.4, Comparer<double>.Default);

        test.ShouldBe([0, 2]);
        train.ShouldBe([1, 3, 4]);
    }

    [Fact]
    public void K_folds_put_every_row_in_exactly_one_validation_part()
    {
        var folds = Splitter.KFold(103, 5, 3);

        folds.SelectMany(f => f.Validation).Order().ShouldBe(Enumerable.Range(0, 103));
        folds.ShouldAllBe(f => f.Train.Length + f.Validation.Length == 103 && !f.Train.Intersect(f.Validation).Any());
    }
}
