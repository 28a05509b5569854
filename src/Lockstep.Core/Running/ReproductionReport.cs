using Lockstep.Hashing;

namespace Lockstep.Running;

/// <summary>One output of one step: the hash the original run recorded and the hash the re-execution produced.</summary>
public sealed record OutputComparison(string Name, ContentHash Original, ContentHash? Reproduced)
{
    public bool Identical => Reproduced == Original;
}

/// <summary>How one step's re-execution compares with the original.</summary>
public sealed record StepComparison(string StepId, string Type, bool Identical, IReadOnlyList<OutputComparison> Outputs, string? Cause);

/// <summary>
/// The result of <c>lockstep reproduce</c>: whether every artifact came out bit-identical, and if
/// not, the first step (in pipeline order) that diverged and the likely cause.
/// </summary>
public sealed record ReproductionReport(
    string OriginalRunId,
    string ReproductionRunId,
    bool Identical,
    IReadOnlyList<StepComparison> Steps,
    string? FirstDivergedStep,
    string? CauseKind,
    string? Cause);
