using Lockstep.Hashing;

namespace Lockstep.Running;

/// <summary>One output of one step: the hash the original run recorded and the hash the re-execution produced.</summary>
public sealed record OutputComparison(string Name, ContentHash Original, ContentHash? Reproduced)
{
    public bool Identical => Reproduced == Original;
}

/// <summary>How one step's re-execution compares with the original.</summary>
/// <param name="Compared">
/// False for a step whose type declares itself nondeterministic (a measurement of time, a read of
/// mutable state): its bytes are expected to differ, so it is reported but does not decide the verdict.
/// </param>
public sealed record StepComparison(string StepId, string Type, bool Identical, bool Compared, IReadOnlyList<OutputComparison> Outputs, string? Cause);

/// <summary>
/// The result of <c>lockstep reproduce</c>: whether every artifact of every deterministic step came
/// out bit-identical, and if not, the first step (in pipeline order) that diverged and the likely cause.
/// </summary>
public sealed record ReproductionReport(
    string OriginalRunId,
    string ReproductionRunId,
    bool Identical,
    IReadOnlyList<StepComparison> Steps,
    string? FirstDivergedStep,
    string? CauseKind,
    string? Cause);
