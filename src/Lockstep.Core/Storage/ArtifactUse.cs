using Lockstep.Hashing;

namespace Lockstep.Storage;

/// <summary>A place an artifact appears: as input or output <paramref name="Name"/> of a step in a run.</summary>
public sealed record ArtifactUse(ContentHash Hash, string RunId, string StepId, string StepType, string Name, bool IsOutput);
