using Lockstep.Errors;

namespace Lockstep.Data;

/// <summary>
/// Bad data or a bad data file found by the data library (outside or inside a step): the message
/// names the file, line, column or row and says what to do.
/// </summary>
public sealed class DataException : LockstepException
{
    public DataException(string message) : base(message) { }

    public DataException(string message, Exception inner) : base(message, inner) { }
}
