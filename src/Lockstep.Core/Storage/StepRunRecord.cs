using Lockstep.Hashing;

namespace Lockstep.Storage;

public enum StepStatus
{
    Running,
    Succeeded,
    Failed,
    /// <summary>Not run because a step it depends on failed or the run stopped.</summary>
    Skipped,
}

/// <summary>An input or output of a step: its name in the step, the object, and where it came from.</summary>
/// <param name="Source">For inputs: <c>step.output</c> or the workspace-relative file path; for outputs: null.</param>
public sealed record ArtifactBinding(string Name, ContentHash Hash, long Size, string? Source);

/// <summary>What one step did in one run.</summary>
public sealed record StepRunRecord
{
    public required string RunId { get; init; }
    public required string StepId { get; init; }
    public required string Type { get; init; }
    public required StepStatus Status { get; init; }
    public required bool Cached { get; init; }
    public required string CacheKey { get; init; }
    /// <summary>Why the step ran or was reused, for a person ("parameter lr changed 0.1 → 0.05").</summary>
    public required string CacheReason { get; init; }
    /// <summary>The documents the cache key hashes (code, parameters, inputs, environment, seed) as JSON.</summary>
    public required string KeyJson { get; init; }
    public required string CodeIdentity { get; init; }
    public required DateTimeOffset StartedAt { get; init; }
    public DateTimeOffset? FinishedAt { get; init; }
    public double DurationMs { get; init; }
    public required string ParametersJson { get; init; }
    public long? Seed { get; init; }
    public IReadOnlyList<ArtifactBinding> Inputs { get; init; } = [];
    public IReadOnlyList<ArtifactBinding> Outputs { get; init; } = [];
    public IReadOnlyDictionary<string, double> Metrics { get; init; } = new Dictionary<string, double>();
    public string Log { get; init; } = "";
    public string? Error { get; init; }
}
