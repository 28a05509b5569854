namespace Lockstep.Errors;

/// <summary>
/// No workspace where the command was pointed (a <c>--workspace</c> folder that does not exist, no
/// <c>lockstep.yaml</c> at or above the current folder): a usage mistake, exit code 2 as for wrong
/// arguments. The message says how to create one or where to point instead.
/// </summary>
public sealed class WorkspaceException(string message) : LockstepException(message)
{
    public override int ExitCode => 2;
}
