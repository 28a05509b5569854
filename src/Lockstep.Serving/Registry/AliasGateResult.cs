namespace Lockstep.Serving.Registry;

/// <summary>Whether an alias may move, and why.</summary>
public sealed record AliasGateResult(bool Passed, string Detail);
