namespace Lockstep.Serving.Logging;

/// <summary>
/// Consecutive predictions of one batch run, logged as one row of the log (store migration 5):
/// <paramref name="Rows"/> predictions from row <paramref name="FirstRow"/> on, sharing request id,
/// time, model, version and bundle hash, each row's input line and answer encoded in
/// <paramref name="Payload"/> by <see cref="PredictionBlockFormat"/>. The log's reader expands it
/// into one <see cref="PredictionRecord"/> per prediction.
/// </summary>
public sealed record PredictionBlock(
    string RequestId,
    int FirstRow,
    int Rows,
    DateTimeOffset At,
    string Model,
    int Version,
    string BundleHash,
    string Source,
    ReadOnlyMemory<byte> Payload);
