namespace Lockstep.Errors;

/// <summary>
/// Thrown by step code for bad data or bad parameters it finds while running: names the input or
/// parameter, and where possible the file, line and column. The runner reports it without a stack trace.
/// </summary>
public sealed class StepInputException : LockstepException
{
    public StepInputException(string message) : base(message) { }

    public StepInputException(string message, Exception inner) : base(message, inner) { }
}
