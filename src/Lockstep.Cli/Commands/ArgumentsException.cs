using Lockstep.Errors;

namespace Lockstep.Cli.Commands;

/// <summary>A command's arguments are wrong (exit code 2): the message says what to type instead.</summary>
internal sealed class ArgumentsException(string message) : LockstepException(message)
{
    public override int ExitCode => 2;
}
