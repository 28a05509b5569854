using Lockstep.ML.Training;
using Microsoft.ML;

namespace Lockstep.ML.Bundles;

/// <summary>
/// One single-threaded prediction engine with its own input and output buffers. PredictionEngine is
/// not thread-safe, so <see cref="LoadedModel"/> hands each caller its own slot from a pool.
/// </summary>
internal sealed class EngineSlot
{
    public EngineSlot(MLContext ml, ITransformer model, Microsoft.ML.Data.SchemaDefinition input, int width, Features.TaskKind task)
    {
        Input = new FeatureInput { Features = new float[width] };
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
    public PredictionEngine<FeatureInput, BinaryOutput>? Binary { get; }
    public BinaryOutput? BinaryResult;
    public PredictionEngine<FeatureInput, MulticlassOutput>? Multiclass { get; }
    public MulticlassOutput? MulticlassResult;
    public PredictionEngine<FeatureInput, RegressionOutput>? Regression { get; }
    public RegressionOutput? RegressionResult;
}
