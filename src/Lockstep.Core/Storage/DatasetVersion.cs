using Lockstep.Hashing;

namespace Lockstep.Storage;

/// <summary>One catalogued version of a named dataset.</summary>
public sealed record DatasetVersion(
    string Name,
    int Version,
    ContentHash Snapshot,
    ContentHash Statistics,
    long Rows,
    int Columns,
    string Source,
    string? RunId,
    string? StepId,
    DateTimeOffset CreatedAt)
{
    public override string ToString() => $"{Name}@{Version}";
}
