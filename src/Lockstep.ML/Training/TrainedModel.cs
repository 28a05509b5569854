using Microsoft.ML;

namespace Lockstep.ML.Training;

/// <summary>A fitted ML.NET model with the context it came from and the schema it expects.</summary>
public sealed class TrainedModel(MLContext context, ITransformer model, DataViewSchema inputSchema, int trainingRows)
{
    public MLContext Context { get; } = context;
    public ITransformer Model { get; } = model;
    public DataViewSchema InputSchema { get; } = inputSchema;
    public int TrainingRows { get; } = trainingRows;

    /// <summary>The model as ML.NET's zip, rewritten so that its bytes depend only on its content.</summary>
    public byte[] ToBytes()
    {
        using var stream = new MemoryStream();
        Context.Model.Save(Model, InputSchema, stream);
        return Bundles.DeterministicZip.Normalize(stream.ToArray());
    }
}
