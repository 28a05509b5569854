using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
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
    private readonly bool _binary;
    private readonly double _slope;
    private readonly double _offset;
    private readonly int _width;
    /// <summary>The same trees as masks (<see cref="LeafMaskEvaluator"/>); null: the trees are walked (a tree of more than 64 leaves, or asked for).</summary>
    private readonly LeafMaskEvaluator? _masks;
    /// <summary>True: <see cref="ScoreBlock"/> sums several rows at a time (<see cref="LeafMaskEvaluator.SumBlock"/>).</summary>
    private readonly bool _blocks;

    private TreeEnsembleEvaluator(RegressionTreeEnsemble ensemble, PlattCalibrator? calibrator, int width, bool leafMasks, int checkpointEvery, bool blocks)
    {
        _blocks = blocks;
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
        _masks = leafMasks ? LeafMaskEvaluator.TryCreate([.. trees.Where((_, t) => _roots[t] >= 0)], checkpointEvery) : null;
    }


    private static int Child(int child, int nodeBase, int leafBase) => child >= 0 ? nodeBase + child : ~(leafBase + ~child);

    /// <summary>
    /// An evaluator for <paramref name="model"/> when it is a supported tree ensemble for
    /// <paramref name="task"/> (binary: calibrated by Platt; regression: plain); null otherwise.
    /// <paramref name="leafMasks"/> false walks the trees even where masks would do (for tests and comparisons);
    /// <paramref name="checkpointEvery"/> is the masks' checkpoint spacing (<see cref="LeafMaskEvaluator.TryCreate"/>);
    /// <paramref name="blocks"/> false scores blocks row by row even where several rows at a time would do (the fallback, for tests and comparisons).
    /// </summary>
    public static TreeEnsembleEvaluator? TryCreate(ITransformer model, TaskKind task, int width, bool leafMasks = true, int checkpointEvery = LeafMaskEvaluator.CheckpointEvery, bool blocks = true)
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
            // Categorical splits are not evaluated here; nor are NaN thresholds (the trainers do not
            // make them, and nothing tests how they compare), both left to ML.NET.
            if (tree.CategoricalSplitFlags.Any(f => f) || tree.NumericalSplitFeatureIndexes.Any(f => f < 0 || f >= width)
                || tree.NumericalSplitThresholds.Any(float.IsNaN))
            {
                return null;
            }
        }
        return new TreeEnsembleEvaluator(ensemble, calibrator, width, leafMasks, checkpointEvery, blocks);
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
    public bool TryScore(ReadOnlySpan<float> features, out float score, out float probability) =>
        TryScoreWith(features, _masks switch
        {
            null => Span<ulong>.Empty, // walked: no masks
            { ScratchLength: <= MaxStackTrees and var n } => stackalloc ulong[n],
            var m => new ulong[m.ScratchLength],
        }, out score, out probability);

    /// <summary>Trees up to which the masks of one row live on the stack (8 KiB).</summary>
    private const int MaxStackTrees = 1024;

    private bool TryScoreWith(ReadOnlySpan<float> features, Span<ulong> masks, out float score, out float probability)
    {
        score = 0;
        probability = 0;
        if (features.Length != _width || HasNaN(features))
        {
            return false;
        }
        var sum = _masks is { } m ? m.Sum(features, masks) : Walk(features);
        score = (float)sum;
        if (_binary)
        {
            probability = (float)(1 / (1 + Math.Exp(_slope * score + _offset)));
        }
        return true;
    }

    /// <summary>The sum of the exit leaves' values, walking every tree from its root (<see cref="LeafMaskEvaluator"/> gives the same sum).</summary>
    private double Walk(ReadOnlySpan<float> features)
    {
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
        return sum;
    }

    public bool IsBinary => _binary;

    /// <summary>Every split node's feature and threshold (for tests that probe the thresholds themselves).</summary>
    internal IEnumerable<(int Feature, float Threshold)> Splits => _nodes.Select(n => (n.Feature, n.Threshold));

    /// <summary>True when the trees are evaluated as leaf masks, false when they are walked.</summary>
    public bool UsesLeafMasks => _masks is not null;

    /// <summary>True when <see cref="ScoreBlock"/> sums several rows at a time (leaf masks, not turned off).</summary>
    public bool UsesBlockSums => _blocks && _masks is not null;

    public int Width => _width;


    /// <summary>
    /// Scores <paramref name="rows"/> feature vectors laid end to end in <paramref name="features"/>
    /// (row r at r × width); <paramref name="ok"/>[r] false for a row with a NaN feature, whose
    /// score the caller must take from ML.NET's engine. Same sums, in the same tree order, as
    /// <see cref="TryScore"/>. With leaf masks, four rows at a time (their sums interleaved,
    /// <see cref="LeafMaskEvaluator.SumBlock"/>); tried and dropped: eight rows in the lanes of
    /// one vector (V-QuickScorer), slower on adult (bench/serve.md, session 7).
    /// </summary>
    public void ScoreBlock(ReadOnlySpan<float> features, int rows, Span<float> scores, Span<float> probabilities, Span<bool> ok)
    {
        if (features.Length < rows * _width || scores.Length < rows || probabilities.Length < rows || ok.Length < rows)
        {
            throw new ArgumentException("the buffers are shorter than the rows");
        }
        if (UsesBlockSums)
        {
            ScoreBlocksOfRows(features, rows, scores, probabilities, ok);
            return;
        }
        // Row by row, one set of masks reused. Measured on adult.test and dropped, when the trees
        // were walked: 8 rows a step through each tree with branch-free steps (no faster: the
        // lanes wait for the deepest path), 8 rows each at its own pace through all trees (1.5
        // times slower), and row blocks of 64 walked tree by tree so that a tree stays in the
        // first-level cache (34 ms against 29 ms row by row).
        var masks = _masks is { ScratchLength: <= MaxStackTrees and var n } ? stackalloc ulong[n] : new ulong[_masks?.ScratchLength ?? 0];
        for (var r = 0; r < rows; r++)
        {
            ok[r] = TryScoreWith(features.Slice(r * _width, _width), masks, out scores[r], out probabilities[r]);
        }
    }

    /// <summary><see cref="ScoreBlock"/> several rows at a time: the same sums (<see cref="LeafMaskEvaluator.SumBlock"/>), the same score and probability per row as <see cref="TryScoreWith"/>.</summary>
    private void ScoreBlocksOfRows(ReadOnlySpan<float> features, int rows, Span<float> scores, Span<float> probabilities, Span<bool> ok)
    {
        var evaluator = _masks!;
        var masks = evaluator.BlockScratchLength <= MaxStackBlockMasks ? stackalloc ulong[evaluator.BlockScratchLength] : new ulong[evaluator.BlockScratchLength];
        Span<double> sums = stackalloc double[LeafMaskEvaluator.BlockRows];
        for (var first = 0; first < rows; first += LeafMaskEvaluator.BlockRows)
        {
            var n = Math.Min(LeafMaskEvaluator.BlockRows, rows - first);
            evaluator.SumBlock(features.Slice(first * _width, n * _width), _width, n, sums, masks);
            for (var i = 0; i < n; i++)
            {
                var r = first + i;
                ok[r] = !HasNaN(features.Slice(r * _width, _width));
                var score = ok[r] ? (float)sums[i] : 0;
                scores[r] = score;
                probabilities[r] = ok[r] && _binary ? (float)(1 / (1 + Math.Exp(_slope * score + _offset))) : 0;
            }
        }
    }

    /// <summary>Masks of a block's rows up to which they live on the stack (16 KiB).</summary>
    private const int MaxStackBlockMasks = 2048;

    private static bool HasNaN(ReadOnlySpan<float> features)
    {
        // Eight values a compare (a NaN is the one value not equal to itself), one branch per row:
        // in the block profile the per-value loop was a tenth of the trees' own time.
        ref var f0 = ref MemoryMarshal.GetReference(features);
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var unequal = Vector256<float>.Zero;
            for (; i + 8 <= features.Length; i += 8)
            {
                var v = Vector256.LoadUnsafe(ref f0, (nuint)i);
                unequal |= ~Vector256.Equals(v, v);
            }
            if (unequal != Vector256<float>.Zero)
            {
                return true;
            }
        }
        for (; i < features.Length; i++)
        {
            if (float.IsNaN(Unsafe.Add(ref f0, i)))
            {
                return true;
            }
        }
        return false;
    }

    private readonly record struct Node(int Feature, float Threshold, int Left, int Right);
}
