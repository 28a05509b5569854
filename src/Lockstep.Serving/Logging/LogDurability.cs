namespace Lockstep.Serving.Logging;

/// <summary>
/// When an appended prediction counts as safe, i.e. when its waiter is released. Both settings
/// keep the promise that an acknowledged prediction survives SIGKILL of the server; they
/// differ on power loss, which only an fsync per commit covers (the same trade as PostgreSQL's
/// <c>synchronous_commit = off</c> or Kafka's default of leaving flushing to the OS).
/// </summary>
public enum LogDurability
{
    /// <summary>
    /// Committed to the WAL without an fsync per commit (<c>synchronous = NORMAL</c>): survives
    /// SIGKILL or a crash of the server (the bytes are in the OS page cache), not power loss or a
    /// kernel crash. The default, because an fsync costs milliseconds on common disks and every
    /// answer would wait for one.
    /// </summary>
    Process,

    /// <summary>Committed and fsynced at each group commit (SQLite <c>synchronous = FULL</c>): also survives a kernel crash and power loss.</summary>
    Full,
}
