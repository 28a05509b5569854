namespace Lockstep.Serving.Logging;

/// <summary>When an appended prediction counts as safe, i.e. when its waiter is released.</summary>
public enum LogDurability
{
    /// <summary>Committed and fsynced (SQLite <c>synchronous = FULL</c>): survives SIGKILL, a kernel crash and power loss. The default.</summary>
    Full,

    /// <summary>
    /// Committed to the WAL without an fsync per commit (<c>synchronous = NORMAL</c>): survives
    /// SIGKILL of the server (the bytes are in the OS page cache), not power loss. For disks
    /// whose fsync latency is larger than the latency budget.
    /// </summary>
    Process,
}
