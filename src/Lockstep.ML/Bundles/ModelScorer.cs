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

    /// <summary>This scorer's feature buffer (<see cref="Features.FeatureTransformer.Width"/> long), for callers that encode rows themselves (<see cref="Features.RowEncoder"/>).</summary>
    public Span<float> Features => _slot.Input.Features;

    /// <summary>
    /// Scores <paramref name="rows"/> feature vectors laid end to end in <paramref name="features"/>
    /// (row r at r × width) into <paramref name="results"/>: the same predictions as scoring each
    /// alone, without a copy into the engine's buffer per row for tree models.
    /// </summary>
    public void PredictBlock(ReadOnlySpan<float> features, int rows, Span<Prediction> results)
    {
        if (features.Length < rows * _model.Transformer.Width || results.Length < rows)
        {
            throw new ArgumentException($"{rows} rows need {rows * _model.Transformer.Width} features and {rows} results");
        }
        _model.RunBlock(_slot, features, rows, results, _scratch);
    }

    private readonly BlockScratch _scratch = new();

    /// <summary>Scores the vector in <see cref="Features"/>.</summary>
    public Prediction PredictFeatures() => _model.Run(_slot);
}
