using Lockstep.Data.Statistics;

namespace Lockstep.Data.Tests.Statistics;

/// <summary>The batch updates of the accumulators give exactly what value-by-value updates give.</summary>
public sealed class BatchAccumulationTests
{
    [Fact]
    public void Integer_batches_give_the_same_statistics_as_single_values()
    {
        var rnd = new Random(7);
        var values = Enumerable.Range(0, 20_000).Select(_ => rnd.Next(10) == 0 ? (long?)null : rnd.Next(4) == 0 ? rnd.Next(-50, 50) : 3L).ToArray();
        var one = new NumericAccumulator { IsInteger = true };
        foreach (var v in values)
        {
            if (v is { } x)
            {
                one.Add(x);
            }
            else
            {
                one.AddMissing();
            }
        }
        var batched = new NumericAccumulator { IsInteger = true };
        batched.AddRange(values.AsSpan(0, 7_000));
        batched.AddRange(values.AsSpan(7_000));
        batched.Build("x", "int64").ShouldBeEquivalentTo(one.Build("x", "int64"));
    }

    [Fact]
    public void Double_batches_with_runs_nan_and_infinity_give_the_same_statistics_as_single_values()
    {
        var rnd = new Random(8);
        double?[] special = [double.NaN, double.PositiveInfinity, double.NegativeInfinity, 0.0, -0.0, null];
        var values = Enumerable.Range(0, 20_000).Select(i => rnd.Next(6) == 0 ? special[rnd.Next(special.Length)] : i % 100 < 60 ? 1.5 : rnd.NextDouble()).ToArray();
        var one = new NumericAccumulator();
        foreach (var v in values)
        {
            if (v is { } x)
            {
                one.Add(x);
            }
            else
            {
                one.AddMissing();
            }
        }
        var batched = new NumericAccumulator();
        batched.AddRange(values.AsSpan(0, 12_345));
        batched.AddRange(values.AsSpan(12_345));
        batched.Build("x", "double").ShouldBeEquivalentTo(one.Build("x", "double"));
    }

    [Fact]
    public void Text_batches_of_repeated_references_give_the_same_statistics_as_single_values()
    {
        var rnd = new Random(9);
        string?[] pool = ["tcp", "udp", "icmp", "", "a longer value", null];
        var values = Enumerable.Range(0, 20_000).Select(i => i % 50 < 30 ? "tcp" : pool[rnd.Next(pool.Length)]).ToArray();
        var one = new CategoryAccumulator();
        foreach (var v in values)
        {
            if (v is null)
            {
                one.AddMissing();
            }
            else
            {
                one.Add(v);
            }
        }
        var batched = new CategoryAccumulator();
        batched.AddRange(values.AsSpan(0, 999));
        batched.AddRange(values.AsSpan(999));
        batched.Build("c", "string").ShouldBeEquivalentTo(one.Build("c", "string"));
    }
}
