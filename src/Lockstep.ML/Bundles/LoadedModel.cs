using System.Collections.Concurrent;
using Lockstep.ML.Ensembles;
using Lockstep.ML.Features;
using Lockstep.ML.Training;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Lockstep.ML.Bundles;

/// <summary>
/// A verified bundle ready to predict. Raw rows (column name → value; strings, numbers, bools,
/// JsonElements or null) go through the bundle's own preprocessing, then the model. A missing
/// column or null is a missing value and an unseen category falls in the unknown bucket, so every
/// row gets a prediction. An ensemble bundle runs every member on the same feature vector and
/// combines their outputs with its fitted combiner. Thread-safe: each call borrows a pooled engine
/// with its own buffers.
/// </summary>
public sealed class LoadedModel
{
    private readonly MLContext _ml;
    /// <summary>Member 1 (model.zip) first; one entry for a single model.</summary>
    private readonly ITransformer[] _members;
    private readonly EnsembleManifest? _ensemble;
    private readonly SchemaDefinition _inputDefinition;
    private readonly ConcurrentBag<EngineSlot> _pool = [];
    private readonly string[] _classes;
    private readonly int _positiveIndex;
    /// <summary>Per member: our own evaluator of its trees, or null where ML.NET's engine scores it.</summary>
    private readonly TreeEnsembleEvaluator?[] _fast;

    internal LoadedModel(ModelBundle bundle, string bundleHash, EnvironmentOverride? environmentOverride, int warmEngines)
    {
        Bundle = bundle;
        BundleHash = bundleHash;
        EnvironmentOverride = environmentOverride;
        Preprocessing = bundle.Preprocessing;
        Transformer = new FeatureTransformer(Preprocessing);
        Task = Preprocessing.Task;
        _ml = new MLContext(seed: 0);
        _ensemble = bundle.Ensemble;
        _members = bundle.MemberModels.Select(bytes =>
        {
            using var stream = new MemoryStream(bytes);
            return _ml.Model.Load(stream, out _);
        }).ToArray();
        _inputDefinition = SchemaDefinition.Create(typeof(FeatureInput));
        _inputDefinition["Features"].ColumnType = new VectorDataViewType(NumberDataViewType.Single, Transformer.Width);
        _classes = Preprocessing.Label.Classes?.ToArray() ?? [];
        _positiveIndex = Preprocessing.Label.PositiveClass is { } p ? Array.IndexOf(_classes, p) : -1;
        var evaluator = Environment.GetEnvironmentVariable("LOCKSTEP_TREE_EVALUATOR");
        _fast = evaluator == "mlnet"
            ? new TreeEnsembleEvaluator?[_members.Length]
            : _members.Select(m => TreeEnsembleEvaluator.TryCreate(m, Task, Transformer.Width, leafMasks: evaluator != "walk", blocks: evaluator != "rows")).ToArray();
        for (var i = 0; i < Math.Max(1, warmEngines); i++)
        {
            _pool.Add(NewSlot());
        }
    }

    /// <summary>Loads a bundle already in memory (training-time scoring: tuning, tests); no environment check.</summary>
    public static LoadedModel FromBundle(ModelBundle bundle) => new(bundle, "", null, 1);

    public ModelBundle Bundle { get; }

    /// <summary>SHA-256 of the bundle file's bytes.</summary>
    public string BundleHash { get; }

    /// <summary>Set when the bundle was loaded despite a different environment; record it.</summary>
    public EnvironmentOverride? EnvironmentOverride { get; }

    public PreprocessingManifest Preprocessing { get; }

    public FeatureTransformer Transformer { get; }

    public TaskKind Task { get; }

    /// <summary>
    /// True when every member is scored by Lockstep's own tree evaluator (bit-identical to ML.NET's
    /// engine, which still scores rows with a NaN feature); false where ML.NET's engine scores every
    /// row (linear models, multiclass, categorical splits). LOCKSTEP_TREE_EVALUATOR=mlnet turns it off;
    /// LOCKSTEP_TREE_EVALUATOR=walk walks the trees instead of the leaf masks, =rows scores blocks row by
    /// row instead of eight rows at a time (for comparisons).
    /// </summary>
    public bool UsesTreeEvaluator => _fast.All(f => f is not null);

    /// <summary>The ML.NET model of each member (one for a single model), for tests that build evaluators of their own.</summary>
    internal IReadOnlyList<ITransformer> MemberModels => _members;

    /// <summary>The tree evaluator of member <paramref name="member"/>, or null where ML.NET's engine scores.</summary>
    internal TreeEnsembleEvaluator? Evaluator(int member) => _fast[member];

    /// <summary>The ensemble's structure, or null for a single model.</summary>
    public EnsembleManifest? Ensemble => _ensemble;

    /// <summary>The feature vector the model sees for a raw row (for parity checks and debugging).</summary>
    public float[] Featurize(IReadOnlyDictionary<string, object?> row)
    {
        var features = new float[Transformer.Width];
        Transformer.Transform(row, features);
        return features;
    }

    public Prediction Predict(IReadOnlyDictionary<string, object?> row)
    {
        ArgumentNullException.ThrowIfNull(row);
        var slot = Rent();
        try
        {
            Transformer.Transform(row, slot.Input.Features);
            return Run(slot);
        }
        finally
        {
            _pool.Add(slot);
        }
    }

    public IReadOnlyList<Prediction> PredictBatch(IReadOnlyList<IReadOnlyDictionary<string, object?>> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var results = new Prediction[rows.Count];
        var slot = Rent();
        try
        {
            for (var i = 0; i < rows.Count; i++)
            {
                Transformer.Transform(rows[i], slot.Input.Features);
                results[i] = Run(slot);
            }
        }
        finally
        {
            _pool.Add(slot);
        }
        return results;
    }

    /// <summary>Predicts already-featurized vectors (the training path, for parity tests).</summary>
    public Prediction PredictFeatures(float[] features)
    {
        var slot = Rent();
        try
        {
            features.CopyTo(slot.Input.Features, 0);
            return Run(slot);
        }
        finally
        {
            _pool.Add(slot);
        }
    }

    /// <summary>
    /// ML.NET's engine on already-featurized vectors, bypassing Lockstep's tree evaluator: the
    /// reference the evaluator is tested against.
    /// </summary>
    internal Prediction PredictFeaturesWithEngine(float[] features)
    {
        var slot = Rent();
        try
        {
            features.CopyTo(slot.Input.Features, 0);
            return Run(slot, engineOnly: true);
        }
        finally
        {
            _pool.Add(slot);
        }
    }

    /// <summary>
    /// A scorer with its own engine for one thread or worker (no pool, no lock per row). The engine
    /// is built at the first row that needs it: where the tree evaluator scores every row, never.
    /// </summary>
    public ModelScorer CreateScorer() => new(this, NewSlot(deferEngine: true));

    /// <summary>
    /// Predicts many already-featurized vectors through ML.NET's batch path (one Transform per
    /// member over all rows) instead of one engine call per row: the same model and arithmetic, so
    /// the same numbers as <see cref="PredictFeatures"/>, without the per-row engine overhead.
    /// Evaluation, permutation importance and tuning score whole frames through here.
    /// </summary>
    internal Prediction[] PredictFeatureBatch(float[][] features)
    {
        ArgumentNullException.ThrowIfNull(features);
        var data = _ml.Data.LoadFromEnumerable(features.Select(f => new FeatureInput { Features = f }), _inputDefinition);
        var perMember = _members.Select(member => ScoreAll(member.Transform(data), features.Length)).ToArray();
        if (_ensemble is null)
        {
            return perMember[0];
        }
        var results = new Prediction[features.Length];
        var outputs = new Prediction[_members.Length];
        for (var r = 0; r < results.Length; r++)
        {
            for (var m = 0; m < outputs.Length; m++)
            {
                outputs[m] = perMember[m][r];
            }
            results[r] = _ensemble.Combiner.Combine(outputs, Task, _classes, _positiveIndex);
        }
        return results;
    }

    private Prediction[] ScoreAll(IDataView scored, int rows)
    {
        var results = new Prediction[rows];
        var r = 0;
        switch (Task)
        {
            case TaskKind.Binary:
                foreach (var b in _ml.Data.CreateEnumerable<BinaryOutput>(scored, reuseRowObject: true))
                {
                    results[r++] = Binary(b);
                }
                break;
            case TaskKind.Multiclass:
                foreach (var m in _ml.Data.CreateEnumerable<MulticlassOutput>(scored, reuseRowObject: true))
                {
                    results[r++] = Multiclass(m.Score);
                }
                break;
            default:
                foreach (var o in _ml.Data.CreateEnumerable<RegressionOutput>(scored, reuseRowObject: true))
                {
                    results[r++] = new Prediction(o.Score, null, null, null);
                }
                break;
        }
        return results;
    }

    private EngineSlot Rent() => _pool.TryTake(out var slot) ? slot : NewSlot();

    /// <param name="deferEngine">True: the engines are built at first use (pooled slots are built warm).</param>
    private EngineSlot NewSlot(bool deferEngine = false)
    {
        if (_members.Length == 1)
        {
            return new EngineSlot(_ml, _members[0], _inputDefinition, Transformer.Width, Task, deferEngine: deferEngine);
        }
        var input = new FeatureInput { Features = new float[Transformer.Width] };
        return new EngineSlot(_ml, _members[0], _inputDefinition, Transformer.Width, Task, input, deferEngine)
        {
            Members = _members.Skip(1).Select(m => new EngineSlot(_ml, m, _inputDefinition, Transformer.Width, Task, input, deferEngine)).ToArray(),
            MemberPredictions = new Prediction[_members.Length],
        };
    }

    /// <summary>
    /// Scores <paramref name="rows"/> vectors laid end to end: through the tree evaluator
    /// where the model has one (rows with a NaN feature, and every row of other models, go
    /// through the slot's engine one by one). Same predictions as <see cref="Run"/> row by row.
    /// </summary>
    internal void RunBlock(EngineSlot slot, ReadOnlySpan<float> features, int rows, Span<Prediction> results, BlockScratch scratch)
    {
        var width = Transformer.Width;
        if (_ensemble is null && _fast[0] is { } fast)
        {
            scratch.Ensure(rows);
            fast.ScoreBlock(features, rows, scratch.Scores, scratch.Probabilities, scratch.Ok);
            for (var r = 0; r < rows; r++)
            {
                if (scratch.Ok[r])
                {
                    results[r] = Task == TaskKind.Binary ? BinaryOf(scratch.Scores[r], scratch.Probabilities[r]) : new Prediction(scratch.Scores[r], null, null, null);
                }
                else
                {
                    features.Slice(r * width, width).CopyTo(slot.Input.Features);
                    results[r] = Run(slot, engineOnly: true);
                }
            }
            return;
        }
        for (var r = 0; r < rows; r++)
        {
            features.Slice(r * width, width).CopyTo(slot.Input.Features);
            results[r] = Run(slot);
        }
    }

    internal Prediction Run(EngineSlot slot, bool engineOnly = false)
    {
        if (_ensemble is null)
        {
            return RunOne(slot, 0, engineOnly);
        }
        var outputs = slot.MemberPredictions;
        outputs[0] = RunOne(slot, 0, engineOnly);
        for (var i = 0; i < slot.Members.Length; i++)
        {
            outputs[i + 1] = RunOne(slot.Members[i], i + 1, engineOnly);
        }
        return _ensemble.Combiner.Combine(outputs, Task, _classes, _positiveIndex);
    }

    private Prediction RunOne(EngineSlot slot, int member, bool engineOnly)
    {
        if (!engineOnly && _fast[member] is { } fast && fast.TryScore(slot.Input.Features, out var score, out var probability))
        {
            return Task == TaskKind.Binary ? BinaryOf(score, probability) : new Prediction(score, null, null, null);
        }
        switch (Task)
        {
            case TaskKind.Binary:
                slot.Binary!.Predict(slot.Input, ref slot.BinaryResult!);
                return Binary(slot.BinaryResult!);
            case TaskKind.Multiclass:
                slot.Multiclass!.Predict(slot.Input, ref slot.MulticlassResult!);
                return Multiclass(slot.MulticlassResult!.Score);
            default:
                slot.Regression!.Predict(slot.Input, ref slot.RegressionResult!);
                return new Prediction(slot.RegressionResult!.Score, null, null, null);
        }
    }

    private Prediction Binary(BinaryOutput b) =>
        new(b.Score, b.Probability, b.PredictedLabel ? _classes[_positiveIndex] : _classes[1 - _positiveIndex], null);

    /// <summary>ML.NET's binary scorer: the predicted label is score &gt; 0 (its default threshold on the raw score).</summary>
    private Prediction BinaryOf(float score, float probability) =>
        new(score, probability, score > 0 ? _classes[_positiveIndex] : _classes[1 - _positiveIndex], null);

    private Prediction Multiclass(float[] scores)
    {
        var best = 0;
        for (var i = 1; i < scores.Length; i++)
        {
            if (scores[i] > scores[best])
            {
                best = i;
            }
        }
        return new Prediction(scores[best], scores[best], best < _classes.Length ? _classes[best] : null, scores.ToArray());
    }
}
