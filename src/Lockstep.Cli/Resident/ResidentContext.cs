namespace Lockstep.Cli.Resident;

/// <summary>
/// The command the resident process is answering on this async flow: the client's working folder,
/// and whether the command got as far as recording a run. Until it does, anything that goes
/// differently (a step to execute, an error, a plugin) is declined, and the client runs the
/// command itself, exactly as without a resident process (docs/resident.md).
/// </summary>
internal sealed class ResidentContext(string workingDirectory, int terminalWidth = 0)
{
    private static readonly AsyncLocal<ResidentContext?> Flow = new();

    /// <summary>The command being answered by the resident process, or null in an ordinary command.</summary>
    public static ResidentContext? Current
    {
        get => Flow.Value;
        set => Flow.Value = value;
    }

    public string WorkingDirectory { get; } = workingDirectory;

    /// <summary>The client's terminal width in columns, or 0 when its output goes to a file or a pipe.</summary>
    public int TerminalWidth { get; } = terminalWidth;

    /// <summary>Set once the run record is about to be written: from then on the answer is the resident process's own.</summary>
    public bool RunStarted { get; set; }

    /// <summary>Handed back to the client, which runs the command in its own process.</summary>
    public bool Declined { get; private set; }

    /// <summary>Why it was handed back (for the resident process's trace and the tests).</summary>
    public string? Reason { get; private set; }

    /// <summary>Hands the command back; the exit code it returns is never shown.</summary>
    public int Decline(string reason)
    {
        Declined = true;
        Reason = reason;
        return 0;
    }
}
