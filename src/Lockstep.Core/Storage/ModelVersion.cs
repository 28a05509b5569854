using Lockstep.Hashing;

namespace Lockstep.Storage;

/// <summary>One immutable registered version of a model, with the aliases that point at it now.</summary>
public sealed record ModelVersion(
    string Name,
    int Version,
    ContentHash BundleHash,
    string RunId,
    string? StepId,
    string LineageJson,
    string MetricsJson,
    DateTimeOffset RegisteredAt,
    string RegisteredBy,
    IReadOnlyList<string> Aliases)
{
    /// <summary>"NAME@VERSION".</summary>
    public override string ToString() => $"{Name}@{Version}";
}
