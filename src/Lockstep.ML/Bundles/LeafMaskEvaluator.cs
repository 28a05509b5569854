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
internal sealed partial class LeafMaskEvaluator
{
    /// <summary>Every split node, grouped by feature, ascending thresholds within a feature.</summary>
    private readonly SplitMask[] _splits;
    /// <summary>The features that have split nodes, ascending, with where their splits and checkpoints are.</summary>
    private readonly FeatureSplits[] _features;
    /// <summary>
    /// Per feature index up to the highest split on: the lowest threshold of its splits (+∞ for a
    /// feature without splits), and where it is in <see cref="_features"/>. A value not above its
    /// feature's lowest threshold fails no split: most of a row's features (one-hot columns at 0)
    /// are skipped by one vector compare per 16 features instead of a loop step each.
    /// </summary>
    private readonly float[] _lowest;
    private readonly int[] _slot;
    /// <summary>Checkpoints, per feature in ascending position (see <see cref="Checkpoint"/>).</summary>
    private readonly Checkpoint[] _checkpoints;
    /// <summary>Per checkpoint, <see cref="_stride"/> masks: the AND of the masks of every split of its feature before it.</summary>
    private readonly ulong[] _checkpointMasks;
    /// <summary>Per evaluated tree (ensemble order, trees that add nothing left out): its first leaf in <see cref="_leafValues"/>.</summary>
    private readonly int[] _leafBase;
    /// <summary>Leaf values, per tree in left-to-right order.</summary>
    private readonly double[] _leafValues;
    /// <summary>Masks per row: the trees, rounded up to whole 64-byte vectors (the extra masks are never read).</summary>
    private readonly int _stride;
    /// <summary>The highest feature any tree splits on (−1: none).</summary>
    private readonly int _maxFeature;

    private LeafMaskEvaluator(SplitMask[] splits, FeatureSplits[] features, Checkpoint[] checkpoints, ulong[] checkpointMasks, int[] leafBase, double[] leafValues, int stride)
    {
        _splits = splits;
        _features = features;
        var limit = features.Length == 0 ? 0 : features[^1].Feature + 1;
        _lowest = new float[limit];
        _slot = new int[limit];
        Array.Fill(_lowest, float.PositiveInfinity);
        for (var i = 0; i < features.Length; i++)
        {
            _lowest[features[i].Feature] = splits[features[i].First].Threshold;
            _slot[features[i].Feature] = i;
        }
        _checkpoints = checkpoints;
        _checkpointMasks = checkpointMasks;
        _leafBase = leafBase;
        _leafValues = leafValues;
        _stride = stride;
        _maxFeature = features.Length == 0 ? -1 : features[^1].Feature;
    }

    /// <summary>Splits between two checkpoints of a feature, at least (more when the tables would pass <see cref="MaxCheckpointBytes"/>).</summary>
    public const int CheckpointEvery = 32;

    /// <summary>The checkpoint tables' budget: they must stay in the second-level cache next to everything else.</summary>
    private const int MaxCheckpointBytes = 256 * 1024;

    /// <summary>The length of the scratch masks <see cref="Sum"/> needs (the trees, rounded up to whole vectors).</summary>
    public int ScratchLength => _stride;

    /// <summary>
    /// The evaluator for <paramref name="trees"/> (those that add nothing already left out, in
    /// ensemble order), or null when a tree has more than 64 leaves. <paramref name="checkpointEvery"/>:
    /// splits between checkpoints, at least (tests vary it; int.MaxValue for none).
    /// </summary>
    public static LeafMaskEvaluator? TryCreate(IReadOnlyList<RegressionTree> trees, int checkpointEvery = CheckpointEvery)
    {
        // Plain arrays and loops, no LINQ over these structs: such generic code is not in the
        // ReadyToRun image and would be JIT-compiled at every load.
        var nodes = 0;
        var maxFeature = -1;
        foreach (var tree in trees)
        {
            if (tree.NumberOfLeaves > 64)
            {
                return null;
            }
            nodes += tree.NumberOfNodes;
            foreach (var f in tree.NumericalSplitFeatureIndexes)
            {
                maxFeature = Math.Max(maxFeature, f);
            }
        }
        // Splits bucketed by feature (a counting sort), in tree order within a feature.
        var perFeature = new int[maxFeature + 2];
        foreach (var tree in trees)
        {
            foreach (var f in tree.NumericalSplitFeatureIndexes)
            {
                perFeature[f + 1]++;
            }
        }
        for (var f = 1; f < perFeature.Length; f++)
        {
            perFeature[f] += perFeature[f - 1];
        }
        var fill = (int[])perFeature.Clone();
        var sorted = new SplitMask[nodes];
        var leafBase = new int[trees.Count];
        var leafValues = new List<double>();
        for (var t = 0; t < trees.Count; t++)
        {
            var tree = trees[t];
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
                sorted[fill[tree.NumericalSplitFeatureIndexes[n]]++] = new SplitMask(tree.NumericalSplitThresholds[n], t, mask);
            }
        }
        // Ascending thresholds within each feature; a stable insertion sort keeps tree order
        // among equal thresholds (any order gives the same masks; this one is deterministic).
        for (var f = 0; f <= maxFeature; f++)
        {
            for (var i = perFeature[f] + 1; i < perFeature[f + 1]; i++)
            {
                var item = sorted[i];
                var j = i - 1;
                while (j >= perFeature[f] && sorted[j].Threshold > item.Threshold)
                {
                    sorted[j + 1] = sorted[j];
                    j--;
                }
                sorted[j + 1] = item;
            }
        }
        var stride = (trees.Count + 7) / 8 * 8;
        // Checkpoints every `every` splits of a feature: a row whose value fails every split before
        // one applies the checkpoint's precomputed masks (one vector AND per 8 trees) instead of
        // those splits one by one. On adult a row fails ~900 of 3,000 splits, most of them on the
        // six numeric features.
        var every = Math.Max(checkpointEvery, (int)Math.Ceiling(sorted.Length / (double)Math.Max(1, MaxCheckpointBytes / (8 * Math.Max(8, stride)))));
        var features = new List<FeatureSplits>();
        var checkpoints = new List<Checkpoint>();
        var tables = new List<ulong>();
        for (var f = 0; f <= maxFeature; f++)
        {
            var (first, end) = (perFeature[f], perFeature[f + 1]);
            if (first == end)
            {
                continue;
            }
            var firstCheckpoint = checkpoints.Count;
            var masks = new ulong[stride];
            Array.Fill(masks, ulong.MaxValue);
            for (var i = first; i < end; i++)
            {
                masks[sorted[i].Tree] &= sorted[i].Mask;
                if ((i + 1 - first) % every == 0)
                {
                    checkpoints.Add(new Checkpoint(sorted[i].Threshold, i + 1, tables.Count));
                    tables.AddRange(masks);
                }
            }
            features.Add(new FeatureSplits(f, first, end, firstCheckpoint, checkpoints.Count));
        }
        return new LeafMaskEvaluator(sorted, [.. features], [.. checkpoints], [.. tables], leafBase, [.. leafValues], stride);
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
    /// <paramref name="masks"/> is scratch of at least <see cref="ScratchLength"/> entries.
    /// </summary>
    public double Sum(ReadOnlySpan<float> features, Span<ulong> masks)
    {
        if (features.Length <= _maxFeature)
        {
            throw new ArgumentException($"the trees split on feature {_maxFeature}, the vector has {features.Length}", nameof(features));
        }
        masks = masks[.._stride];
        Fill(features, masks);
        ref var mask0 = ref MemoryMarshal.GetReference(masks);
        ref var value0 = ref MemoryMarshal.GetArrayDataReference(_leafValues);
        var leafBase = _leafBase;
        double sum = 0.0;
        for (var t = 0; t < leafBase.Length; t++)
        {
            sum += Unsafe.Add(ref value0, leafBase[t] + BitOperations.TrailingZeroCount(Unsafe.Add(ref mask0, t)));
        }
        return sum;
    }

    /// <summary>Sets <paramref name="masks"/> (<see cref="_stride"/> long, checked by the callers) to every tree's still-possible leaves for <paramref name="features"/> (checked too).</summary>
    private void Fill(ReadOnlySpan<float> features, Span<ulong> masks)
    {
        masks.Fill(ulong.MaxValue);
        // No bounds checks in the loops: every index is in range (features up to _maxFeature,
        // checked by the callers; trees below the stride, splits, checkpoints and tables by construction).
        ref var mask0 = ref MemoryMarshal.GetReference(masks);
        ref var feature0 = ref MemoryMarshal.GetReference(features);
        ref var split0 = ref MemoryMarshal.GetArrayDataReference(_splits);
        ref var checkpoint0 = ref MemoryMarshal.GetArrayDataReference(_checkpoints);
        ref var table0 = ref MemoryMarshal.GetArrayDataReference(_checkpointMasks);
        ref var lowest0 = ref MemoryMarshal.GetArrayDataReference(_lowest);
        ref var slot0 = ref MemoryMarshal.GetArrayDataReference(_slot);
        ref var splitFeature0 = ref MemoryMarshal.GetArrayDataReference(_features);
        // The features whose value fails at least their lowest split, found 16 (or 8) at a time.
        var limit = _lowest.Length;
        var b = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; b + 16 <= limit; b += 16)
            {
                var active = Vector512.GreaterThan(Vector512.LoadUnsafe(ref feature0, (nuint)b), Vector512.LoadUnsafe(ref lowest0, (nuint)b)).ExtractMostSignificantBits();
                for (; active != 0; active &= active - 1)
                {
                    var feature = b + BitOperations.TrailingZeroCount(active);
                    Apply(ref mask0, ref split0, ref checkpoint0, ref table0, in Unsafe.Add(ref splitFeature0, Unsafe.Add(ref slot0, feature)), Unsafe.Add(ref feature0, feature));
                }
            }
        }
        if (Vector256.IsHardwareAccelerated)
        {
            for (; b + 8 <= limit; b += 8)
            {
                var active = Vector256.GreaterThan(Vector256.LoadUnsafe(ref feature0, (nuint)b), Vector256.LoadUnsafe(ref lowest0, (nuint)b)).ExtractMostSignificantBits();
                for (; active != 0; active &= active - 1)
                {
                    var feature = b + BitOperations.TrailingZeroCount(active);
                    Apply(ref mask0, ref split0, ref checkpoint0, ref table0, in Unsafe.Add(ref splitFeature0, Unsafe.Add(ref slot0, feature)), Unsafe.Add(ref feature0, feature));
                }
            }
        }
        for (; b < limit; b++)
        {
            var x = Unsafe.Add(ref feature0, b);
            if (x > Unsafe.Add(ref lowest0, b))
            {
                Apply(ref mask0, ref split0, ref checkpoint0, ref table0, in Unsafe.Add(ref splitFeature0, Unsafe.Add(ref slot0, b)), x);
            }
        }
    }

    /// <summary>Clears the leaves ruled out by the splits of feature <paramref name="f"/> that <paramref name="x"/> fails.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Apply(ref ulong mask0, ref SplitMask split0, ref Checkpoint checkpoint0, ref ulong table0, in FeatureSplits f, float x)
    {
        var first = f.First;
        // The last checkpoint whose splits the value all fails (each checkpoint's threshold
        // is the greatest of the splits before it); its masks replace theirs.
        var last = -1;
        for (var c = f.FirstCheckpoint; c < f.EndCheckpoint && x > Unsafe.Add(ref checkpoint0, c).Threshold; c++)
        {
            last = c;
        }
        if (last >= 0)
        {
            ref readonly var checkpoint = ref Unsafe.Add(ref checkpoint0, last);
            And(ref mask0, ref Unsafe.Add(ref table0, checkpoint.Masks), _stride);
            first = checkpoint.Next;
        }
        ref var s = ref Unsafe.Add(ref split0, first);
        ref var end = ref Unsafe.Add(ref split0, f.End);
        while (Unsafe.IsAddressLessThan(ref s, ref end) && x > s.Threshold)
        {
            Unsafe.Add(ref mask0, s.Tree) &= s.Mask;
            s = ref Unsafe.Add(ref s, 1);
        }
    }

    /// <summary><paramref name="masks"/>[0..n) &amp;= <paramref name="with"/>[0..n), n a multiple of 8, a vector at a time.</summary>
    private static void And(ref ulong masks, ref ulong with, int n)
    {
        if (Vector512.IsHardwareAccelerated)
        {
            for (nuint i = 0; i < (nuint)n; i += 8)
            {
                (Vector512.LoadUnsafe(ref masks, i) & Vector512.LoadUnsafe(ref with, i)).StoreUnsafe(ref masks, i);
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            for (nuint i = 0; i < (nuint)n; i += 4)
            {
                (Vector256.LoadUnsafe(ref masks, i) & Vector256.LoadUnsafe(ref with, i)).StoreUnsafe(ref masks, i);
            }
        }
        else
        {
            for (nint i = 0; i < n; i++)
            {
                Unsafe.Add(ref masks, i) &= Unsafe.Add(ref with, i);
            }
        }
    }

    /// <summary>A feature's splits (<see cref="_splits"/>[First..End)) and checkpoints (<see cref="_checkpoints"/>[FirstCheckpoint..EndCheckpoint)).</summary>
    private readonly record struct FeatureSplits(int Feature, int First, int End, int FirstCheckpoint, int EndCheckpoint);

    /// <summary>A checkpoint of a feature: the greatest threshold of the splits before it, where the next split is, and where its masks start in the tables.</summary>
    private readonly record struct Checkpoint(float Threshold, int Next, int Masks);

    /// <summary>One split node: its threshold, its tree, and the mask that clears its left subtree's leaves.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private readonly record struct SplitMask(float Threshold, int Tree, ulong Mask);
}
