using Lockstep.Planning;
using Lockstep.Storage;

namespace Lockstep.Running;

/// <summary>A finished run: its record and each step's record, in plan order.</summary>
public sealed record RunResult(RunRecord Run, IReadOnlyList<StepRunRecord> Steps, ExecutionPlan Plan)
{
    public bool Succeeded => Run.Status == RunStatus.Succeeded;

    /// <summary>
    /// With <see cref="RunOptions.CachedOnly"/>: a step turned out not to be a verified cache hit
    /// after all (an input changed after <see cref="Runner.CheckFullyCachedAsync"/> said yes), so the
    /// run stopped as interrupted without executing anything, for its caller to run again.
    /// </summary>
    public bool HandedBack { get; init; }
}
