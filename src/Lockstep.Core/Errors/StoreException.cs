namespace Lockstep.Errors;

/// <summary>The store cannot be opened, read or written.</summary>
public class StoreException : LockstepException
{
    public StoreException(string message) : base(message) { }

    public StoreException(string message, Exception inner) : base(message, inner) { }

    public override int ExitCode => 3;
}
