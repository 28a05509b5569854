using Lockstep.Hashing;

namespace Lockstep.Storage;

/// <summary>What a producer (the ingest step) registers.</summary>
public sealed record NewDatasetVersion(
    string Name,
    ContentHash Snapshot,
    ContentHash Statistics,
    long Rows,
    int Columns,
    string Source,
    string? RunId,
    string? StepId,
    DateTimeOffset CreatedAt);
