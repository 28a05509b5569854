using Lockstep.ML.Training;
using Microsoft.ML;

namespace Lockstep.ML.Bundles;

/// <summary>
/// One single-threaded prediction engine with its own input and output buffers. PredictionEngine is
/// not thread-safe, so <see cref="LoadedModel"/> hands each caller its own slot from a pool. For an
/// ensemble the slot runs member 1 and holds one slot per further member in <see cref="Members"/>,
/// all reading the same input buffer.
/// </summary>
internal sealed class EngineSlot
{
    public EngineSlot(MLContext ml, ITransformer model, Microsoft.ML.Data.SchemaDefinition input, int width, Features.TaskKind task, FeatureInput? sharedInput = null)
    {
        Input = sharedInput ?? new FeatureInput { Features = new float[width] };
        switch (task)
        {
            case Features.TaskKind.Binary:
                Binary = ml.Model.CreatePredictionEngine<FeatureInput, BinaryOutput>(model, inputSchemaDefinition: input);
                BinaryResult = new BinaryOutput();
                break;
            case Features.TaskKind.Multiclass:
                Multiclass = ml.Model.CreatePredictionEngine<FeatureInput, MulticlassOutput>(model, inputSchemaDefinition: input);
                MulticlassResult = new MulticlassOutput();
                break;
            default:
                Regression = ml.Model.CreatePredictionEngine<FeatureInput, RegressionOutput>(model, inputSchemaDefinition: input);
                RegressionResult = new RegressionOutput();
                break;
        }
    }

    public FeatureInput Input { get; }

    /// <summary>Ensembles: the engines of members 2..K (sharing <see cref="Input"/>); empty for a single model.</summary>
    public EngineSlot[] Members { get; init; } = [];

    /// <summary>Ensembles: one prediction per member, reused between calls.</summary>
    public Prediction[] MemberPredictions { get; init; } = [];
    public PredictionEngine<FeatureInput, BinaryOutput>? Binary { get; }
    public BinaryOutput? BinaryResult;
    public PredictionEngine<FeatureInput, MulticlassOutput>? Multiclass { get; }
    public MulticlassOutput? MulticlassResult;
    public PredictionEngine<FeatureInput, RegressionOutput>? Regression { get; }
    public RegressionOutput? RegressionResult;
}
