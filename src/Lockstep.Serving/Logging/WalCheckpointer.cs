using Microsoft.Data.Sqlite;

namespace Lockstep.Serving.Logging;

/// <summary>
/// Checkpoints the store's WAL on a thread and connection of its own, so the log's writer never
/// does. SQLite by default checkpoints inside the commit that pushes the WAL past 1,000 pages; that
/// checkpoint copies pages into the database file and fsyncs it, even with
/// <c>synchronous = NORMAL</c>, and every request waiting on that commit waited for it too: a
/// latency spike every few seconds under load, enough to set the p99. The writer's connection
/// turns automatic checkpoints off and this one runs a PASSIVE checkpoint (it never blocks the
/// writer, and skips what readers still use) whenever new commits arrived, at most every
/// <see cref="Interval"/>.
/// </summary>
internal sealed class WalCheckpointer : IDisposable
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);

    private readonly SqliteConnection _connection;
    private readonly Func<long> _committed;
    private readonly ManualResetEventSlim _stop = new();
    private readonly Thread _thread;

    public WalCheckpointer(string connectionString, Func<long> committed)
    {
        _connection = new SqliteConnection(connectionString);
        _connection.Open();
        _committed = committed;
        _thread = new Thread(Loop) { IsBackground = true, Name = "lockstep prediction log checkpoints" };
        _thread.Start();
    }

    private void Loop()
    {
        using var checkpoint = _connection.CreateCommand();
        checkpoint.CommandText = "PRAGMA wal_checkpoint(PASSIVE)";
        var done = 0L;
        while (!_stop.Wait(Interval))
        {
            var committed = _committed();
            if (committed == done)
            {
                continue;
            }
            try
            {
                checkpoint.ExecuteNonQuery();
                done = committed;
            }
            catch (SqliteException)
            {
                // Busy or a transient I/O error: the WAL only grows until the next attempt; the
                // commits themselves are unaffected, and a failing disk shows in the writer.
            }
        }
    }

    /// <summary>Stops after the current checkpoint; the last connection to close checkpoints what is left.</summary>
    public void Dispose()
    {
        _stop.Set();
        _thread.Join();
        _connection.Dispose();
        _stop.Dispose();
    }
}
