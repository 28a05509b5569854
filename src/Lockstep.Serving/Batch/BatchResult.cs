namespace Lockstep.Serving.Batch;

/// <summary>What a batch run did.</summary>
/// <param name="Elapsed">The whole call: opening the files, reading, scoring, writing, logging.</param>
/// <param name="Scoring">
/// From the first data row parsed to the last row written and committed to the log: the part
/// comparable with a library's in-memory batch predict (input open excluded, log included).
/// </param>
public sealed record BatchResult(string RunId, long Rows, long Scored, long Invalid, TimeSpan Elapsed, TimeSpan Scoring)
{
    public double RowsPerSecond => Elapsed.TotalSeconds > 0 ? Rows / Elapsed.TotalSeconds : 0;

    /// <summary>Rows per second over <see cref="Scoring"/>.</summary>
    public double ScoringRowsPerSecond => Scoring.TotalSeconds > 0 ? Rows / Scoring.TotalSeconds : 0;
}
