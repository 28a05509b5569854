using Lockstep.Planning;
using Lockstep.Storage;

namespace Lockstep.Running;

/// <summary>A finished run: its record and each step's record, in plan order.</summary>
public sealed record RunResult(RunRecord Run, IReadOnlyList<StepRunRecord> Steps, ExecutionPlan Plan)
{
    public bool Succeeded => Run.Status == RunStatus.Succeeded;
}
