namespace Lockstep.Errors;

/// <summary>A step that a cached-only run (<see cref="Running.RunOptions.CachedOnly"/>) would have had to execute.</summary>
public sealed class NotCachedException : LockstepException
{
    public NotCachedException(string stepId, string why)
        : base($"step '{stepId}' is not cached ({why}); the run was handed back to be run in the command's own process")
    {
        StepId = stepId;
    }

    public string StepId { get; }
}
