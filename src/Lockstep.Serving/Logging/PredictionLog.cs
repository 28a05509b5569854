using System.Threading.Channels;
using Lockstep.Errors;
using Microsoft.Data.Sqlite;

namespace Lockstep.Serving.Logging;

/// <summary>
/// The durable prediction log, written by group commit: callers enqueue records and await; one
/// writer thread takes everything queued, inserts it in a single transaction on its own
/// connection and only then completes the waiters. An awaited <see cref="AppendAsync(PredictionRecord)"/>
/// therefore means the prediction survives a SIGKILL of the process; with
/// <see cref="LogDurability.Full"/> (<c>synchronous = FULL</c>, the WAL fsynced at each commit) it
/// also survives power loss, and many concurrent requests share one fsync.
/// </summary>
public sealed class PredictionLog : IAsyncDisposable
{
    /// <summary>Most records committed in one transaction; bounds the latency of the first waiter.</summary>
    public const int MaxBatch = 4096;

    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly SqliteConnection _connection;
    private readonly Thread _writer;
    private readonly WalCheckpointer _checkpointer;
    private long _backlog;
    private long _committed;

    private PredictionLog(SqliteConnection connection, string connectionString)
    {
        _connection = connection;
        _checkpointer = new WalCheckpointer(connectionString, () => Committed);
        _writer = new Thread(WriteLoop) { IsBackground = true, Name = "lockstep prediction log" };
        _writer.Start();
    }

    internal static long TraceInsertTicks;
    internal static long TraceCommitTicks;

    /// <summary>Records queued but not yet committed.</summary>
    public long Backlog => Interlocked.Read(ref _backlog);

    /// <summary>Records committed since this log was opened.</summary>
    public long Committed => Interlocked.Read(ref _committed);

    /// <summary>Opens the log in the store database at <paramref name="databasePath"/> (migrations already applied).</summary>
    public static PredictionLog Open(string databasePath, LogDurability durability = LogDurability.Process)
    {
        var connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = databasePath,
            Mode = SqliteOpenMode.ReadWrite,
            Pooling = false,
            DefaultTimeout = Stores.Sqlite.SqliteDatabase.BusyTimeoutSeconds,
        }.ToString();
        var connection = new SqliteConnection(connectionString);
        try
        {
            connection.Open();
            using var pragma = connection.CreateCommand();
            pragma.CommandText = $"PRAGMA journal_mode = WAL; PRAGMA synchronous = {(durability == LogDurability.Full ? "FULL" : "NORMAL")}; PRAGMA busy_timeout = {Stores.Sqlite.SqliteDatabase.BusyTimeoutSeconds * 1000}; PRAGMA wal_autocheckpoint = 0;";
            pragma.ExecuteNonQuery();
            return new PredictionLog(connection, connectionString);
        }
        catch (SqliteException e)
        {
            connection.Dispose();
            throw new StoreException($"cannot open the prediction log in {databasePath}: {e.Message}", e);
        }
    }

    /// <summary>Completes once <paramref name="record"/> is committed (see <see cref="LogDurability"/> for what that survives).</summary>
    public Task AppendAsync(PredictionRecord record) => AppendAsync([record]);

    /// <summary>Completes once every record is committed (all in the same transaction).</summary>
    public Task AppendAsync(IReadOnlyList<PredictionRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        var pending = new Pending(records);
        Interlocked.Add(ref _backlog, records.Count);
        if (!_queue.Writer.TryWrite(pending))
        {
            Interlocked.Add(ref _backlog, -records.Count);
            return Task.FromException(new StoreException("the prediction log is closed; no more predictions can be recorded"));
        }
        return pending.Done.Task;
    }

    /// <summary>Completes once the block (all its predictions, one row of the log) is committed.</summary>
    public Task AppendAsync(PredictionBlock block)
    {
        ArgumentNullException.ThrowIfNull(block);
        var pending = new Pending([], block);
        Interlocked.Add(ref _backlog, block.Rows);
        if (!_queue.Writer.TryWrite(pending))
        {
            Interlocked.Add(ref _backlog, -block.Rows);
            return Task.FromException(new StoreException("the prediction log is closed; no more predictions can be recorded"));
        }
        return pending.Done.Task;
    }

    private void WriteLoop()
    {
        var batch = new List<Pending>(256);
        PredictionInsert? insert = null;
        var reader = _queue.Reader;
        while (WaitToRead(reader))
        {
            batch.Clear();
            var rows = 0;
            while (rows < MaxBatch && reader.TryRead(out var next))
            {
                batch.Add(next);
                rows += next.Count;
            }
            try
            {
                // Prepared on first use, inside the try: a failure is reported to the waiters.
                insert ??= new PredictionInsert(_connection);
                var t0 = System.Diagnostics.Stopwatch.GetTimestamp();
                insert.Begin();
                foreach (var pending in batch)
                {
                    foreach (var r in pending.Records)
                    {
                        insert.Insert(r);
                    }
                    if (pending.Block is { } block)
                    {
                        insert.Insert(block);
                    }
                }
                var t1 = System.Diagnostics.Stopwatch.GetTimestamp();
                insert.Commit();
                TraceInsertTicks += t1 - t0;
                TraceCommitTicks += System.Diagnostics.Stopwatch.GetTimestamp() - t1;
                Interlocked.Add(ref _backlog, -rows);
                Interlocked.Add(ref _committed, rows);
                foreach (var pending in batch)
                {
                    pending.Done.TrySetResult();
                }
            }
            catch (Exception e) when (e is SqliteException or InvalidOperationException)
            {
                insert?.Rollback();
                Interlocked.Add(ref _backlog, -rows);
                var failure = new StoreException($"the prediction log could not be written: {e.Message}", e);
                foreach (var pending in batch)
                {
                    pending.Done.TrySetException(failure);
                }
            }
        }
        insert?.Dispose();
    }

    /// <summary>
    /// Blocks the writer thread until records arrive, without spinning: <c>Task.Wait</c> spins and
    /// yields before it sleeps, and on this thread, idle between every group commit, that spinning
    /// was a fifth of the server's CPU under load (on a 2-core machine, taken from the requests).
    /// </summary>
    private static bool WaitToRead(ChannelReader<Pending> reader)
    {
        var wait = reader.WaitToReadAsync();
        if (wait.IsCompleted)
        {
            return wait.GetAwaiter().GetResult();
        }
        var task = wait.AsTask();
        ((IAsyncResult)task).AsyncWaitHandle.WaitOne();
        return task.GetAwaiter().GetResult();
    }

    /// <summary>Stops accepting records, commits what is queued and closes the connection.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await Task.Run(_writer.Join).ConfigureAwait(false);
        _checkpointer.Dispose();
        await _connection.DisposeAsync().ConfigureAwait(false);
    }

    private sealed class Pending(IReadOnlyList<PredictionRecord> records, PredictionBlock? block = null)
    {
        public IReadOnlyList<PredictionRecord> Records { get; } = records;

        public PredictionBlock? Block { get; } = block;

        public int Count => Records.Count + (Block?.Rows ?? 0);

        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
