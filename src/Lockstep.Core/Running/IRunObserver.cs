using Lockstep.Planning;
using Lockstep.Storage;

namespace Lockstep.Running;

/// <summary>Hears what a run does, for progress displays. Called from several threads.</summary>
public interface IRunObserver
{
    void RunStarted(string runId, ExecutionPlan plan) { }

    void StepStarted(string stepId) { }

    void StepProgress(string stepId, double fraction) { }

    void StepFinished(StepRunRecord record) { }
}
