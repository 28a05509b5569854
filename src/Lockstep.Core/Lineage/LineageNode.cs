using Lockstep.Hashing;

namespace Lockstep.Lineage;

/// <summary>
/// An artifact in a lineage graph and how it relates to steps: upstream, the step that produced
/// it and that step's inputs (recursively); downstream, the steps that consumed it and what they
/// produced (recursively).
/// </summary>
public sealed record LineageNode(ContentHash Hash, long Size, string? Label, LineageStep? ProducedBy, IReadOnlyList<LineageStep> ConsumedBy);

/// <summary>A step that links artifacts: in <paramref name="RunId"/>, step <paramref name="StepId"/> read or wrote <paramref name="Artifacts"/>.</summary>
/// <param name="Role">The artifact's name in the step (output name upstream, input name downstream).</param>
/// <param name="Artifacts">Upstream: the step's inputs; downstream: its outputs.</param>
public sealed record LineageStep(string RunId, string StepId, string StepType, string Role, bool Cached, IReadOnlyList<LineageNode> Artifacts);
