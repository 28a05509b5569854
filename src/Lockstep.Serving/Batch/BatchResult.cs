namespace Lockstep.Serving.Batch;

/// <summary>What a batch run did.</summary>
public sealed record BatchResult(string RunId, long Rows, long Scored, long Invalid, TimeSpan Elapsed)
{
    public double RowsPerSecond => Elapsed.TotalSeconds > 0 ? Rows / Elapsed.TotalSeconds : 0;
}
