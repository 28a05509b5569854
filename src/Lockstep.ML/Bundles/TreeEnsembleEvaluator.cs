using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Lockstep.ML.Features;
using Microsoft.ML;
using Microsoft.ML.Calibrators;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.FastTree;
using Microsoft.ML.Trainers.LightGbm;

namespace Lockstep.ML.Bundles;

/// <summary>
/// Evaluates a boosted tree ensemble (LightGBM or FastTree through ML.NET) straight from flat
/// arrays, with the same arithmetic as ML.NET's own evaluation, so its scores are bit-identical:
/// per tree, from the root, <c>feature &lt;= threshold</c> goes left (single-precision compare),
/// the leaf's double value is added to a double sum that starts at 0.0 in tree order (ML.NET's
/// <c>InternalTreeEnsemble.GetOutput</c>; a tree whose left child of the root is 0 is ML.NET's
/// empty-tree marker and adds nothing), and the sum is cast to float. A binary model's Platt
/// calibrator gives <c>(float)(1 / (1 + exp(slope * score + offset)))</c> and the label is
/// <c>score &gt; 0</c>, as ML.NET's binary scorer decides it.
/// Hand-written because ML.NET's per-row <c>PredictionEngine</c> costs far more than the trees
/// themselves (cursor, getters, VBuffer copies per row: 20 µs a row on adult, the trees ~1 µs),
/// and ML.NET offers no public batch evaluator over plain arrays.
/// What it does not cover is left to ML.NET, never approximated: anything but a single
/// regression-tree ensemble (with a Platt calibrator for binary), categorical splits, a non-zero
/// ensemble bias, and — per row — any NaN feature (ML.NET then applies per-node defaults for
/// missing values that its public API does not expose); <see cref="TryCreate"/> returns null or
/// <see cref="TryScore"/> false, and the caller uses the engine.
/// </summary>
internal sealed class TreeEnsembleEvaluator
{
    /// <summary>Per node: the split feature, threshold and children (≥ 0 a node, &lt; 0 the complement of a leaf), all trees in one array.</summary>
    private readonly Node[] _nodes;
    private readonly double[] _leaves;
    /// <summary>Per tree: the index of its root in <see cref="_nodes"/>, or −1 for a tree that adds nothing.</summary>
    private readonly int[] _roots;
    /// <summary>Per tree: its first leaf in <see cref="_leaves"/> (for a tree without nodes: its only output).</summary>
    private readonly int[] _leafBase;
    /// <summary>
    /// The same trees laid out for walking <see cref="Lanes"/> rows at once: per tree its internal
    /// nodes then its leaves; every node has two adjacent children (a leaf's are itself), so each
    /// step is <c>child[2 * node + (feature &gt; threshold)]</c> with no branch on the data, a row
    /// that reached its leaf stays there, and the walk stops when all the lanes' rows have (the
    /// rows' walks interleave instead of waiting on each other's loads and mispredictions).
    /// Measured on adult (100 trees of 31 leaves, depths up to 24): about as fast as the row-by-row
    /// walk on this 2-core VM, kept because its cost does not depend on branch prediction.
    /// </summary>
    private readonly BlockNode[] _blockNodes;
    /// <summary>Per node of <see cref="_blockNodes"/>: the leaf's value (0 for internal nodes).</summary>
    private readonly double[] _blockValue;
    private readonly int[] _blockRoot;
    /// <summary>Per tree: the index of its first leaf node; a row has reached its leaf when its node is at or past it.</summary>
    private readonly int[] _blockLeafStart;
    private readonly bool _binary;
    private readonly double _slope;
    private readonly double _offset;
    private readonly int _width;

    private TreeEnsembleEvaluator(RegressionTreeEnsemble ensemble, PlattCalibrator? calibrator, int width)
    {
        _binary = calibrator is not null;
        _slope = calibrator?.Slope ?? 0;
        _offset = calibrator?.Offset ?? 0;
        _width = width;
        var trees = ensemble.Trees;
        _roots = new int[trees.Count];
        _leafBase = new int[trees.Count];
        var nodes = new List<Node>();
        var leaves = new List<double>();
        for (var t = 0; t < trees.Count; t++)
        {
            var tree = trees[t];
            _leafBase[t] = leaves.Count;
            leaves.AddRange(tree.LeafValues);
            if (tree.NumberOfNodes == 0 || tree.LeftChild[0] == 0)
            {
                _roots[t] = -1;
                continue;
            }
            var nodeBase = nodes.Count;
            _roots[t] = nodeBase;
            for (var n = 0; n < tree.NumberOfNodes; n++)
            {
                nodes.Add(new Node(
                    tree.NumericalSplitFeatureIndexes[n],
                    tree.NumericalSplitThresholds[n],
                    Child(tree.LeftChild[n], nodeBase, _leafBase[t]),
                    Child(tree.RightChild[n], nodeBase, _leafBase[t])));
            }
        }
        _nodes = [.. nodes];
        _leaves = [.. leaves];
        var blockNodes = new List<BlockNode>();
        var value = new List<double>();
        var roots = new List<int>();
        var leafStarts = new List<int>();
        for (var t = 0; t < trees.Count; t++)
        {
            var tree = trees[t];
            if (_roots[t] < 0)
            {
                continue;
            }
            var nodeBase = blockNodes.Count;
            var leafBase = nodeBase + tree.NumberOfNodes;
            int Map(int child) => child >= 0 ? nodeBase + child : leafBase + ~child;
            for (var n = 0; n < tree.NumberOfNodes; n++)
            {
                blockNodes.Add(new BlockNode(tree.NumericalSplitFeatureIndexes[n], tree.NumericalSplitThresholds[n], Map(tree.LeftChild[n]), Map(tree.RightChild[n])));
                value.Add(0);
            }
            for (var l = 0; l < tree.NumberOfLeaves; l++)
            {
                blockNodes.Add(new BlockNode(0, 0, leafBase + l, leafBase + l));
                value.Add(tree.LeafValues[l]);
            }
            roots.Add(nodeBase);
            leafStarts.Add(leafBase);
        }
        _blockNodes = [.. blockNodes];
        _blockValue = [.. value];
        _blockRoot = [.. roots];
        _blockLeafStart = [.. leafStarts];
    }

    /// <summary>Rows walked through a tree together by <see cref="ScoreBlock"/>.</summary>
    public const int Lanes = 8;


    private static int Child(int child, int nodeBase, int leafBase) => child >= 0 ? nodeBase + child : ~(leafBase + ~child);

    /// <summary>
    /// An evaluator for <paramref name="model"/> when it is a supported tree ensemble for
    /// <paramref name="task"/> (binary: calibrated by Platt; regression: plain); null otherwise.
    /// </summary>
    public static TreeEnsembleEvaluator? TryCreate(ITransformer model, TaskKind task, int width)
    {
        var predictor = Unwrap(model);
        (TreeEnsembleModelParametersBasedOnRegressionTree? trees, PlattCalibrator? calibrator) = (task, predictor) switch
        {
            (TaskKind.Binary, CalibratedModelParametersBase<LightGbmBinaryModelParameters, PlattCalibrator> c) => ((TreeEnsembleModelParametersBasedOnRegressionTree?)c.SubModel, c.Calibrator),
            (TaskKind.Binary, CalibratedModelParametersBase<FastTreeBinaryModelParameters, PlattCalibrator> c) => (c.SubModel, c.Calibrator),
            (TaskKind.Regression, LightGbmRegressionModelParameters r) => (r, (PlattCalibrator?)null),
            (TaskKind.Regression, FastTreeRegressionModelParameters r) => (r, null),
            _ => (null, null),
        };
        if (trees is null || (task == TaskKind.Binary && calibrator is null))
        {
            return null;
        }
        var ensemble = trees.TrainedTreeEnsemble;
        if (ensemble.Bias != 0)
        {
            return null;
        }
        foreach (var tree in ensemble.Trees)
        {
            // A NaN threshold sends every value right in ML.NET (x <= NaN is false) but left in the
            // block walk (x > NaN is false too): not supported, as are categorical splits.
            if (tree.CategoricalSplitFlags.Any(f => f) || tree.NumericalSplitFeatureIndexes.Any(f => f < 0 || f >= width)
                || tree.NumericalSplitThresholds.Any(float.IsNaN))
            {
                return null;
            }
        }
        return new TreeEnsembleEvaluator(ensemble, calibrator, width);
    }

    private static object? Unwrap(ITransformer model)
    {
        var current = model;
        // A saved model loads as a chain; ours hold the trainer's prediction transformer alone.
        while (current is TransformerChain<ITransformer> chain)
        {
            var parts = chain.ToArray();
            if (parts.Length != 1)
            {
                return null;
            }
            current = parts[0];
        }
        return current is ISingleFeaturePredictionTransformer<object> prediction ? prediction.Model : null;
    }

    /// <summary>
    /// Scores one feature vector; false (and nothing written) when a feature is NaN or the width
    /// is not the model's, where the caller must use ML.NET's engine.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool TryScore(ReadOnlySpan<float> features, out float score, out float probability)
    {
        score = 0;
        probability = 0;
        if (features.Length != _width || HasNaN(features))
        {
            return false;
        }
        var nodes = _nodes;
        var leaves = _leaves;
        var roots = _roots;
        double sum = 0.0;
        for (var t = 0; t < roots.Length; t++)
        {
            var node = roots[t];
            if (node < 0)
            {
                continue;
            }
            while (node >= 0)
            {
                ref readonly var n = ref nodes[node];
                node = features[n.Feature] <= n.Threshold ? n.Left : n.Right;
            }
            sum += leaves[~node];
        }
        score = (float)sum;
        if (_binary)
        {
            probability = (float)(1 / (1 + Math.Exp(_slope * score + _offset)));
        }
        return true;
    }

    public bool IsBinary => _binary;

    public int Width => _width;


    /// <summary>
    /// Scores <paramref name="rows"/> feature vectors laid end to end in <paramref name="features"/>
    /// (row r at r × width); <paramref name="ok"/>[r] false for a row with a NaN feature, whose
    /// score the caller must take from ML.NET's engine. Same sums, in the same tree order, as
    /// <see cref="TryScore"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void ScoreBlock(ReadOnlySpan<float> features, int rows, Span<float> scores, Span<float> probabilities, Span<bool> ok)
    {
        if (features.Length < rows * _width || scores.Length < rows || probabilities.Length < rows || ok.Length < rows)
        {
            throw new ArgumentException("the buffers are shorter than the rows");
        }
        var width = _width;
        ref var f = ref MemoryMarshal.GetReference(features);
        ref var nodes = ref MemoryMarshal.GetArrayDataReference(_blockNodes);
        ref var value = ref MemoryMarshal.GetArrayDataReference(_blockValue);
        var roots = _blockRoot;
        var leafStarts = _blockLeafStart;
        Span<double> sums = stackalloc double[Lanes];
        for (var first = 0; first < rows; first += Lanes)
        {
            // Lanes past the last row walk row `first` again and are not written back.
            int Row(int lane) => (first + lane < rows ? first + lane : first) * width;
            int r0 = Row(0), r1 = Row(1), r2 = Row(2), r3 = Row(3), r4 = Row(4), r5 = Row(5), r6 = Row(6), r7 = Row(7);
            double s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
            for (var t = 0; t < roots.Length; t++)
            {
                var root = roots[t];
                var leaves = leafStarts[t];
                int n0 = root, n1 = root, n2 = root, n3 = root, n4 = root, n5 = root, n6 = root, n7 = root;
                do
                {
                    n0 = Step(ref nodes, n0, ref f, r0);
                    n1 = Step(ref nodes, n1, ref f, r1);
                    n2 = Step(ref nodes, n2, ref f, r2);
                    n3 = Step(ref nodes, n3, ref f, r3);
                    n4 = Step(ref nodes, n4, ref f, r4);
                    n5 = Step(ref nodes, n5, ref f, r5);
                    n6 = Step(ref nodes, n6, ref f, r6);
                    n7 = Step(ref nodes, n7, ref f, r7);
                }
                while (Math.Min(Math.Min(Math.Min(n0, n1), Math.Min(n2, n3)), Math.Min(Math.Min(n4, n5), Math.Min(n6, n7))) < leaves);
                s0 += Unsafe.Add(ref value, n0);
                s1 += Unsafe.Add(ref value, n1);
                s2 += Unsafe.Add(ref value, n2);
                s3 += Unsafe.Add(ref value, n3);
                s4 += Unsafe.Add(ref value, n4);
                s5 += Unsafe.Add(ref value, n5);
                s6 += Unsafe.Add(ref value, n6);
                s7 += Unsafe.Add(ref value, n7);
            }
            sums[0] = s0;
            sums[1] = s1;
            sums[2] = s2;
            sums[3] = s3;
            sums[4] = s4;
            sums[5] = s5;
            sums[6] = s6;
            sums[7] = s7;
            for (var lane = 0; lane < Lanes && first + lane < rows; lane++)
            {
                var r = first + lane;
                ok[r] = !HasNaN(features.Slice(r * width, width));
                var score = (float)sums[lane];
                scores[r] = score;
                probabilities[r] = _binary ? (float)(1 / (1 + Math.Exp(_slope * score + _offset))) : 0;
            }
        }
    }

    /// <summary>One step down a tree: a leaf's children are itself, so a row at its leaf stays there.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Step(ref BlockNode nodes, int node, ref float features, int row)
    {
        ref var n = ref Unsafe.Add(ref nodes, node);
        var right = Unsafe.Add(ref features, row + n.Feature) > n.Threshold;
        return Unsafe.Add(ref n.Left, Unsafe.BitCast<bool, byte>(right));
    }

    private static bool HasNaN(ReadOnlySpan<float> features)
    {
        foreach (var f in features)
        {
            if (float.IsNaN(f))
            {
                return true;
            }
        }
        return false;
    }

    private readonly record struct Node(int Feature, float Threshold, int Left, int Right);

    /// <summary>Left and Right adjacent, so the step picks a child by adding the comparison's 0 or 1.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct BlockNode(int feature, float threshold, int left, int right)
    {
        public int Feature = feature;
        public float Threshold = threshold;
        public int Left = left;
        public int Right = right;
    }
}
