namespace Lockstep.ML.Bundles;

/// <summary>
/// One caller's scorer over a <see cref="LoadedModel"/>: its own prediction engine and buffers,
/// so scoring takes no lock and shares nothing. Not thread-safe; a server keeps one per thread and
/// a batch scorer one per worker (<see cref="LoadedModel.Predict"/> instead borrows from a pool on
/// every call, which contends when many threads score at once).
/// </summary>
public sealed class ModelScorer
{
    private readonly LoadedModel _model;
    private readonly EngineSlot _slot;

    internal ModelScorer(LoadedModel model, EngineSlot slot)
    {
        _model = model;
        _slot = slot;
    }

    /// <summary>Preprocesses one raw row with the bundle's own preprocessing and scores it.</summary>
    public Prediction Predict(IReadOnlyDictionary<string, object?> row)
    {
        ArgumentNullException.ThrowIfNull(row);
        _model.Transformer.Transform(row, _slot.Input.Features);
        return _model.Run(_slot);
    }
}
