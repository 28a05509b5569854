namespace Lockstep.ML.Splitting;

/// <summary>
/// Row splits drawn from a seeded <see cref="Random"/> (its seeded algorithm is fixed across .NET
/// versions), so the same rows and seed always give the same split. Row indexes come back sorted,
/// which keeps each part in the source's order.
/// </summary>
public static class Splitter
{
    /// <summary>A uniform random split: round(rows × fraction) rows go to the test part.</summary>
    public static (int[] Train, int[] Test) Random(int rows, double testFraction, int seed)
    {
        var order = Shuffled(Enumerable.Range(0, rows).ToArray(), seed);
        var testCount = (int)Math.Round(rows * testFraction, MidpointRounding.AwayFromZero);
        return Parts(order, testCount);
    }

    /// <summary>A random split within each label value, so each part keeps the label's proportions. Missing labels form their own group.</summary>
    public static (int[] Train, int[] Test) Stratified(IReadOnlyList<string?> labels, double testFraction, int seed)
    {
        var train = new List<int>();
        var test = new List<int>();
        var groups = Enumerable.Range(0, labels.Count).GroupBy(i => labels[i] ?? "\0missing", StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal);
        var groupSeed = seed;
        foreach (var group in groups)
        {
            var order = Shuffled(group.ToArray(), groupSeed++);
            var testCount = (int)Math.Round(order.Length * testFraction, MidpointRounding.AwayFromZero);
            test.AddRange(order.Take(testCount));
            train.AddRange(order.Skip(testCount));
        }
        train.Sort();
        test.Sort();
        return (train.ToArray(), test.ToArray());
    }

    /// <summary>A time-ordered split: rows sorted by <paramref name="keys"/> (ties by position), the last fraction is the test part.</summary>
    public static (int[] Train, int[] Test) Ordered<T>(IReadOnlyList<T> keys, double testFraction, IComparer<T> comparer)
    {
        var order = Enumerable.Range(0, keys.Count).OrderBy(i => keys[i], comparer).ThenBy(i => i).ToArray();
        var testCount = (int)Math.Round(keys.Count * testFraction, MidpointRounding.AwayFromZero);
        var train = order.Take(order.Length - testCount).ToArray();
        var test = order.Skip(order.Length - testCount).ToArray();
        Array.Sort(train);
        Array.Sort(test);
        return (train, test);
    }

    /// <summary>k folds: each row is in exactly one validation part; fold i trains on the others.</summary>
    public static IReadOnlyList<(int[] Train, int[] Validation)> KFold(int rows, int k, int seed)
    {
        if (k < 2 || k > rows)
        {
            throw new ArgumentOutOfRangeException(nameof(k), $"folds must be between 2 and the number of rows ({rows}), not {k}");
        }
        var order = Shuffled(Enumerable.Range(0, rows).ToArray(), seed);
        var folds = new List<(int[], int[])>(k);
        for (var f = 0; f < k; f++)
        {
            var validation = order.Where((_, i) => i % k == f).Order().ToArray();
            var train = order.Where((_, i) => i % k != f).Order().ToArray();
            folds.Add((train, validation));
        }
        return folds;
    }

    private static int[] Shuffled(int[] items, int seed)
    {
        var random = new System.Random(seed);
        for (var i = items.Length - 1; i > 0; i--)
        {
            var j = random.Next(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
        return items;
    }

    private static (int[] Train, int[] Test) Parts(int[] order, int testCount)
    {
        var test = order.Take(testCount).Order().ToArray();
        var train = order.Skip(testCount).Order().ToArray();
        return (train, test);
    }
}
