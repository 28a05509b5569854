namespace Lockstep.Serving.Logging;

/// <summary>
/// Consecutive predictions of one batch run, logged as one row of the log (store migration 5):
/// <paramref name="Rows"/> predictions from row <paramref name="FirstRow"/> on, sharing request id,
/// time, model, version and bundle hash, each row's input line and answer encoded in
/// <paramref name="Payload"/> by <see cref="PredictionBlockFormat"/>. The log's reader expands it
/// into one <see cref="PredictionRecord"/> per prediction.
/// </summary>
/// <remarks>
/// <see cref="InputObject"/>: the hash (hex) of the run's input file in the object store, which a
/// block of format 3 refers to for its rows' lines (<see cref="PredictionBlockFormat.ByReferenceVersion"/>);
/// set when read back from the log (table <c>prediction_inputs</c>), null for formats 1 and 2.
/// </remarks>
public sealed record PredictionBlock(
    string RequestId,
    int FirstRow,
    int Rows,
    DateTimeOffset At,
    string Model,
    int Version,
    string BundleHash,
    string Source,
    ReadOnlyMemory<byte> Payload)
{
    /// <summary>The run's input object (format 3 blocks read from the log); null otherwise.</summary>
    public string? InputObject { get; init; }
}
