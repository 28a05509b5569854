using Lockstep.ML.Training;
using Microsoft.ML;

namespace Lockstep.ML.Bundles;

/// <summary>
/// One single-threaded prediction engine with its own input and output buffers. PredictionEngine is
/// not thread-safe, so <see cref="LoadedModel"/> hands each caller its own slot from a pool. For an
/// ensemble the slot runs member 1 and holds one slot per further member in <see cref="Members"/>,
/// all reading the same input buffer. A deferred slot creates its engine at the first row that
/// needs it: where Lockstep's tree evaluator scores every row, no engine is ever built (building
/// one is the costliest part of a scorer in a short-lived process, e.g. a batch worker).
/// </summary>
internal sealed class EngineSlot
{
    private readonly MLContext _ml;
    private readonly ITransformer _model;
    private readonly Microsoft.ML.Data.SchemaDefinition _inputDefinition;
    private readonly Features.TaskKind _task;
    private PredictionEngine<FeatureInput, BinaryOutput>? _binary;
    private PredictionEngine<FeatureInput, MulticlassOutput>? _multiclass;
    private PredictionEngine<FeatureInput, RegressionOutput>? _regression;

    public EngineSlot(MLContext ml, ITransformer model, Microsoft.ML.Data.SchemaDefinition input, int width, Features.TaskKind task, FeatureInput? sharedInput = null, bool deferEngine = false)
    {
        _ml = ml;
        _model = model;
        _inputDefinition = input;
        _task = task;
        Input = sharedInput ?? new FeatureInput { Features = new float[width] };
        switch (task)
        {
            case Features.TaskKind.Binary:
                BinaryResult = new BinaryOutput();
                break;
            case Features.TaskKind.Multiclass:
                MulticlassResult = new MulticlassOutput();
                break;
            default:
                RegressionResult = new RegressionOutput();
                break;
        }
        if (!deferEngine)
        {
            CreateEngine();
        }
    }

    public FeatureInput Input { get; }

    /// <summary>Ensembles: the engines of members 2..K (sharing <see cref="Input"/>); empty for a single model.</summary>
    public EngineSlot[] Members { get; init; } = [];

    /// <summary>Ensembles: one prediction per member, reused between calls.</summary>
    public Prediction[] MemberPredictions { get; init; } = [];

    /// <summary>The binary engine (created here on first use for a deferred slot); null for other tasks.</summary>
    public PredictionEngine<FeatureInput, BinaryOutput>? Binary => _task == Features.TaskKind.Binary ? _binary ?? CreateEngine().Binary : null;
    public BinaryOutput? BinaryResult;
    public PredictionEngine<FeatureInput, MulticlassOutput>? Multiclass => _task == Features.TaskKind.Multiclass ? _multiclass ?? CreateEngine().Multiclass : null;
    public MulticlassOutput? MulticlassResult;
    public PredictionEngine<FeatureInput, RegressionOutput>? Regression => _task is not (Features.TaskKind.Binary or Features.TaskKind.Multiclass) ? _regression ?? CreateEngine().Regression : null;
    public RegressionOutput? RegressionResult;

    private EngineSlot CreateEngine()
    {
        switch (_task)
        {
            case Features.TaskKind.Binary:
                _binary = _ml.Model.CreatePredictionEngine<FeatureInput, BinaryOutput>(_model, inputSchemaDefinition: _inputDefinition);
                break;
            case Features.TaskKind.Multiclass:
                _multiclass = _ml.Model.CreatePredictionEngine<FeatureInput, MulticlassOutput>(_model, inputSchemaDefinition: _inputDefinition);
                break;
            default:
                _regression = _ml.Model.CreatePredictionEngine<FeatureInput, RegressionOutput>(_model, inputSchemaDefinition: _inputDefinition);
                break;
        }
        return this;
    }
}
