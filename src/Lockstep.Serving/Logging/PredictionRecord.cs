namespace Lockstep.Serving.Logging;

/// <summary>One logged prediction: a single scored row.</summary>
/// <param name="RequestId">Id of the HTTP request or batch file run.</param>
/// <param name="RowIndex">Position of the row within the request (0 for a single object).</param>
/// <param name="At">When it was scored (UTC).</param>
/// <param name="InputJson">The raw row as the client sent it.</param>
/// <param name="OutputJson">The answer: score, probability, label.</param>
/// <param name="FindingsJson">Validation findings under the flag policy, or null when clean.</param>
/// <param name="LatencyMicros">Time from receiving the request to scoring the row.</param>
/// <param name="Source">"http" or "batch".</param>
public sealed record PredictionRecord(
    string RequestId,
    int RowIndex,
    DateTimeOffset At,
    string Model,
    int Version,
    string BundleHash,
    string InputJson,
    string OutputJson,
    string? FindingsJson,
    long LatencyMicros,
    string Source);
