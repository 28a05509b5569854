namespace Lockstep.Errors;

/// <summary>
/// A step failed while it ran. Wraps whatever the step's code threw with the step's id and
/// type, so that the message says which step of which pipeline to look at.
/// </summary>
public sealed class StepFailedException : LockstepException
{
    public StepFailedException(string stepId, string stepType, string message, Exception? inner = null)
        : base($"step '{stepId}' ({stepType}) failed: {message}", inner ?? new InvalidOperationException(message))
    {
        StepId = stepId;
        StepType = stepType;
    }

    public string StepId { get; }

    public string StepType { get; }
}
