using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Microsoft.ML.Trainers.FastTree;

namespace Lockstep.ML.Bundles;

/// <summary>
/// Finds every tree's exit leaf for a feature vector without walking the trees: the QuickScorer
/// method (Lucchese et al., "QuickScorer: a fast algorithm to rank documents with additive
/// ensembles of regression trees", SIGIR 2015). Each tree's leaves are numbered left to right and
/// a row starts with one 64-bit mask per tree, all leaves possible. A split node whose test fails
/// (<c>feature &gt; threshold</c>: the row goes right) rules out the leaves of its left subtree,
/// so its mask clears their bits; the exit leaf is the leftmost leaf still set. Which nodes fail
/// does not depend on the path: per feature, the nodes of every tree are sorted by threshold, and
/// a row's value fails exactly the nodes before the first threshold ≥ it — one sequential scan
/// per feature, with a branch the processor predicts, instead of a chain of dependent,
/// unpredictable branches per tree (≈ 2 µs a row for 100 trees of 31 leaves, walking).
/// The exit leaf is the one the walk reaches (same <c>&lt;=</c> test on the same single-precision
/// values; NaN features are the caller's business, as for the walk), so the scores are the same.
/// Trees of more than 64 leaves do not fit a mask: <see cref="TryCreate"/> returns null.
/// </summary>
internal sealed class LeafMaskEvaluator
{
    /// <summary>Every split node, grouped by feature (<see cref="_start"/>), ascending thresholds within a feature.</summary>
    private readonly SplitMask[] _splits;
    /// <summary>The features that have split nodes, ascending.</summary>
    private readonly int[] _features;
    /// <summary>Per entry of <see cref="_features"/>: its first split in <see cref="_splits"/>; one more entry marks the end.</summary>
    private readonly int[] _start;
    /// <summary>Per evaluated tree (ensemble order, trees that add nothing left out): its first leaf in <see cref="_leafValues"/>.</summary>
    private readonly int[] _leafBase;
    /// <summary>Leaf values, per tree in left-to-right order.</summary>
    private readonly double[] _leafValues;
    /// <summary>Per entry of <see cref="_features"/>: its first checkpoint in <see cref="_checkpoints"/>; one more entry marks the end.</summary>
    private readonly int[] _checkpointStart;
    /// <summary>Checkpoints, per feature in ascending position (see <see cref="Checkpoint"/>).</summary>
    private readonly Checkpoint[] _checkpoints;
    /// <summary>Per checkpoint, one mask per tree: the AND of the masks of every split of its feature before it.</summary>
    private readonly ulong[] _checkpointMasks;

    private LeafMaskEvaluator(SplitMask[] splits, int[] features, int[] start, int[] leafBase, double[] leafValues, int[] checkpointStart, Checkpoint[] checkpoints, ulong[] checkpointMasks)
    {
        _splits = splits;
        _features = features;
        _start = start;
        _leafBase = leafBase;
        _leafValues = leafValues;
        _checkpointStart = checkpointStart;
        _checkpoints = checkpoints;
        _checkpointMasks = checkpointMasks;
    }

    /// <summary>Splits between two checkpoints of a feature, at least (more when the tables would pass <see cref="MaxCheckpointBytes"/>).</summary>
    public const int CheckpointEvery = 32;

    /// <summary>The checkpoint tables' budget: they must stay in the second-level cache next to everything else.</summary>
    private const int MaxCheckpointBytes = 256 * 1024;

    /// <summary>Trees evaluated (the ensemble's trees but those that add nothing): the length of the scratch masks.</summary>
    public int Trees => _leafBase.Length;

    /// <summary>
    /// The evaluator for <paramref name="trees"/> (those that add nothing already left out, in
    /// ensemble order), or null when a tree has more than 64 leaves. <paramref name="checkpointEvery"/>:
    /// splits between checkpoints, at least (tests vary it; int.MaxValue for none).
    /// </summary>
    public static LeafMaskEvaluator? TryCreate(IReadOnlyList<RegressionTree> trees, int checkpointEvery = CheckpointEvery)
    {
        var splits = new List<(int Feature, SplitMask Split)>();
        var leafBase = new int[trees.Count];
        var leafValues = new List<double>();
        for (var t = 0; t < trees.Count; t++)
        {
            var tree = trees[t];
            if (tree.NumberOfLeaves > 64)
            {
                return null;
            }
            leafBase[t] = leafValues.Count;
            // Left-to-right leaf positions: an in-order walk from the root (node 0).
            var position = new int[tree.NumberOfLeaves];
            var next = 0;
            var firstLeaf = new int[tree.NumberOfNodes];
            var leafCount = new int[tree.NumberOfNodes];
            Number(tree, 0, position, firstLeaf, leafCount, ref next);
            var values = new double[tree.NumberOfLeaves];
            for (var leaf = 0; leaf < tree.NumberOfLeaves; leaf++)
            {
                values[position[leaf]] = tree.LeafValues[leaf];
            }
            leafValues.AddRange(values);
            for (var n = 0; n < tree.NumberOfNodes; n++)
            {
                // The node fails: its left subtree's leaves are ruled out.
                var left = tree.LeftChild[n];
                var (first, count) = left >= 0 ? (firstLeaf[left], leafCount[left]) : (position[~left], 1);
                var mask = ~(((1UL << count) - 1) << first);
                splits.Add((tree.NumericalSplitFeatureIndexes[n], new SplitMask(tree.NumericalSplitThresholds[n], t, mask)));
            }
        }
        // Stable: equal thresholds keep tree order (any order gives the same masks).
        var ordered = splits.Select((s, i) => (s, i)).OrderBy(x => x.s.Feature).ThenBy(x => x.s.Split.Threshold).ThenBy(x => x.i).Select(x => x.s).ToArray();
        var features = new List<int>();
        var start = new List<int>();
        for (var i = 0; i < ordered.Length; i++)
        {
            if (i == 0 || ordered[i].Feature != ordered[i - 1].Feature)
            {
                features.Add(ordered[i].Feature);
                start.Add(i);
            }
        }
        start.Add(ordered.Length);
        var sorted = ordered.Select(o => o.Split).ToArray();
        // Checkpoints every `every` splits of a feature: a row whose value fails every split before
        // one applies the checkpoint's precomputed masks (one vector AND over the trees) instead
        // of those splits one by one. On adult a row fails ~900 of 3,000 splits, most of them on
        // the six numeric features.
        var every = Math.Max(checkpointEvery, (int)Math.Ceiling(sorted.Length / (double)Math.Max(1, MaxCheckpointBytes / (8 * Math.Max(1, trees.Count)))));
        var checkpointStart = new List<int>();
        var checkpoints = new List<Checkpoint>();
        var tables = new List<ulong>();
        for (var j = 0; j < features.Count; j++)
        {
            checkpointStart.Add(checkpoints.Count);
            var masks = new ulong[trees.Count];
            Array.Fill(masks, ulong.MaxValue);
            for (var i = start[j]; i < start[j + 1]; i++)
            {
                masks[sorted[i].Tree] &= sorted[i].Mask;
                if ((i + 1 - start[j]) % every == 0)
                {
                    checkpoints.Add(new Checkpoint(sorted[i].Threshold, i + 1, tables.Count));
                    tables.AddRange(masks);
                }
            }
        }
        checkpointStart.Add(checkpoints.Count);
        return new LeafMaskEvaluator(sorted, [.. features], [.. start], leafBase, [.. leafValues], [.. checkpointStart], [.. checkpoints], [.. tables]);
    }

    /// <summary>Numbers the leaves under <paramref name="node"/> left to right; records each node's first leaf and leaf count.</summary>
    private static void Number(RegressionTree tree, int node, int[] position, int[] firstLeaf, int[] leafCount, ref int next)
    {
        firstLeaf[node] = next;
        foreach (var child in (ReadOnlySpan<int>)[tree.LeftChild[node], tree.RightChild[node]])
        {
            if (child >= 0)
            {
                Number(tree, child, position, firstLeaf, leafCount, ref next);
            }
            else
            {
                position[~child] = next++;
            }
        }
        leafCount[node] = next - firstLeaf[node];
    }

    /// <summary>
    /// The sum of every tree's exit-leaf value for <paramref name="features"/> (no NaN), added in
    /// ensemble order to a double that starts at 0.0 — the walk's arithmetic.
    /// <paramref name="masks"/> is scratch of at least <see cref="Trees"/> entries.
    /// </summary>
    public double Sum(ReadOnlySpan<float> features, Span<ulong> masks)
    {
        masks = masks[.._leafBase.Length];
        if (_features.Length > 0 && features.Length <= _features[^1])
        {
            throw new ArgumentException($"the trees split on feature {_features[^1]}, the vector has {features.Length}", nameof(features));
        }
        masks.Fill(ulong.MaxValue);
        ref var mask0 = ref MemoryMarshal.GetReference(masks);
        ref var split0 = ref MemoryMarshal.GetArrayDataReference(_splits);
        var start = _start;
        var used = _features;
        // No bounds checks in the loops: every index is in range (features up to the last of
        // _features, checked above; trees below masks.Length and starts within _splits, by
        // construction).
        ref var feature0 = ref MemoryMarshal.GetReference(features);
        var checkpointStart = _checkpointStart;
        var checkpoints = _checkpoints;
        for (var j = 0; j < used.Length; j++)
        {
            var x = Unsafe.Add(ref feature0, used[j]);
            var first = start[j];
            // The last checkpoint whose splits the value all fails (each checkpoint's threshold
            // is the greatest of the splits before it).
            var last = -1;
            for (var c = checkpointStart[j]; c < checkpointStart[j + 1] && x > checkpoints[c].Threshold; c++)
            {
                last = c;
            }
            if (last >= 0)
            {
                And(masks, _checkpointMasks.AsSpan(checkpoints[last].Masks, masks.Length));
                first = checkpoints[last].Next;
            }
            ref var s = ref Unsafe.Add(ref split0, first);
            ref var end = ref Unsafe.Add(ref split0, start[j + 1]);
            while (Unsafe.IsAddressLessThan(ref s, ref end) && x > s.Threshold)
            {
                Unsafe.Add(ref mask0, s.Tree) &= s.Mask;
                s = ref Unsafe.Add(ref s, 1);
            }
        }
        ref var value0 = ref MemoryMarshal.GetArrayDataReference(_leafValues);
        var leafBase = _leafBase;
        double sum = 0.0;
        for (var t = 0; t < leafBase.Length; t++)
        {
            sum += Unsafe.Add(ref value0, leafBase[t] + BitOperations.TrailingZeroCount(Unsafe.Add(ref mask0, t)));
        }
        return sum;
    }

    /// <summary><paramref name="masks"/> &amp;= <paramref name="with"/>, a vector at a time.</summary>
    private static void And(Span<ulong> masks, ReadOnlySpan<ulong> with)
    {
        var i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i + Vector512<ulong>.Count <= masks.Length; i += Vector512<ulong>.Count)
            {
                (Vector512.Create(masks[i..]) & Vector512.Create(with[i..])).CopyTo(masks[i..]);
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            for (; i + Vector256<ulong>.Count <= masks.Length; i += Vector256<ulong>.Count)
            {
                (Vector256.Create(masks[i..]) & Vector256.Create(with[i..])).CopyTo(masks[i..]);
            }
        }
        for (; i < masks.Length; i++)
        {
            masks[i] &= with[i];
        }
    }

    /// <summary>A checkpoint of a feature: the greatest threshold of the splits before it, where the next split is, and where its masks start in the tables.</summary>
    private readonly record struct Checkpoint(float Threshold, int Next, int Masks);

    /// <summary>One split node: its threshold, its tree, and the mask that clears its left subtree's leaves.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private readonly record struct SplitMask(float Threshold, int Tree, ulong Mask);
}
