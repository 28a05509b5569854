namespace Lockstep.ML.Bundles;

/// <summary>A bundle loaded despite a different environment: what differed and why the caller allowed it. Callers must record it.</summary>
public sealed record EnvironmentOverride(IReadOnlyList<string> Differences, string? Reason);
