namespace Lockstep.Storage;

public enum RunStatus
{
    Running,
    Succeeded,
    Failed,
    Interrupted,
}

/// <summary>
/// One execution of a pipeline: who ran it, when, where, from which source revision, with which
/// resolved configuration and seed. The JSON documents are stored as written (canonical JSON).
/// </summary>
public sealed record RunRecord
{
    public required string Id { get; init; }
    public required string Pipeline { get; init; }
    /// <summary>"run", or "reproduce" for a re-execution of <see cref="Reproduces"/>.</summary>
    public required string Kind { get; init; }
    public string? Reproduces { get; init; }
    public required RunStatus Status { get; init; }
    public required DateTimeOffset StartedAt { get; init; }
    public DateTimeOffset? FinishedAt { get; init; }
    public required string User { get; init; }
    public required string Host { get; init; }
    public required int ProcessId { get; init; }
    public required long Seed { get; init; }
    /// <summary>True when the seed was generated because the pipeline declared none.</summary>
    public required bool SeedGenerated { get; init; }
    public required string WorkspacePath { get; init; }
    /// <summary>The resolved pipeline (after references and overrides) as canonical JSON.</summary>
    public required string ConfigJson { get; init; }
    /// <summary>Runtime, OS, architecture and every package and assembly version, as JSON.</summary>
    public required string EnvironmentJson { get; init; }
    /// <summary>Source revision and whether the tree had uncommitted changes, as JSON.</summary>
    public required string SourceJson { get; init; }
    public string? Error { get; init; }
}
