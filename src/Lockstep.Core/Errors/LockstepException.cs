namespace Lockstep.Errors;

/// <summary>
/// The root of Lockstep's domain failures. Its message is written for a person: it says what
/// went wrong, where (file, line and column, or step and field) and what to do next. The CLI
/// prints the message, never the stack trace.
/// </summary>
public class LockstepException : Exception
{
    public LockstepException(string message) : base(message) { }

    public LockstepException(string message, Exception inner) : base(message, inner) { }

    /// <summary>Process exit code the CLI uses for this failure.</summary>
    public virtual int ExitCode => 1;
}
