using Lockstep.Errors;

namespace Lockstep.Cli.Commands;

/// <summary>A command's arguments are wrong (exit code 2): the message says what to type instead.</summary>
internal sealed class ArgumentsException(string message) : LockstepException(message)
{
    public override int ExitCode => 2;

    /// <summary><paramref name="value"/>, or this error naming <paramref name="option"/> when it is below <paramref name="min"/>.</summary>
    public static int AtLeast(string option, int value, int min) =>
        value >= min ? value : throw new ArgumentsException($"{option} must be at least {min}, not {value}");
}
