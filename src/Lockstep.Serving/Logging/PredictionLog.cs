using Lockstep.Errors;
using Microsoft.Data.Sqlite;

namespace Lockstep.Serving.Logging;

/// <summary>
/// The durable prediction log, written by group commit: callers enqueue records and await; whoever
/// commits takes everything queued, inserts it in a single transaction on the log's connection and
/// only then completes the waiters. An awaited <see cref="AppendAsync(PredictionRecord)"/>
/// therefore means the prediction survives a SIGKILL of the process; with
/// <see cref="LogDurability.Full"/> (<c>synchronous = FULL</c>, the WAL fsynced at each commit) it
/// also survives power loss, and many concurrent requests share one fsync.
/// </summary>
/// <remarks>
/// Who commits (leader/follower group commit, as in LevelDB's writer queue): an append of a few
/// rows that finds no commit in progress commits on its own thread, with whatever else is queued,
/// and returns a completed task; appends that arrive meanwhile wait and the leader commits them
/// too, up to a few groups, then hands what is still queued to the log's writer thread. Large appends (batch scoring's chunks) always
/// go to the writer thread, so their caller goes on scoring while they commit; so does every
/// commit with <see cref="LogDurability.Full"/>, whose fsync would block a request thread. Measured at
/// 1,000 requests/s on 2 shared cores (bench/serve.md), every thread hop on a request's path (a
/// thread-pool item to signal the writer, the writer's wake-up, a thread-pool item to resume the
/// request) is a chance to wait behind other work for a core, and those waits made the p99; an
/// idle log now costs a request no hop at all.
/// </remarks>
public sealed class PredictionLog : IAsyncDisposable
{
    /// <summary>Most records committed in one transaction; bounds the latency of the first waiter.</summary>
    public const int MaxBatch = 4096;

    /// <summary>Largest append that may commit on the caller's thread (a request's rows, not a batch chunk).</summary>
    private const int InlineRows = 64;

    /// <summary>Most groups a leading request commits before it hands what is still queued to the writer thread.</summary>
    private const int InlineRounds = 3;

    private readonly object _sync = new();
    private readonly Queue<Pending> _queue = new();
    private readonly ManualResetEventSlim _wake = new(false, 1);
    private readonly SqliteConnection _connection;
    private readonly Thread _writer;
    private readonly WalCheckpointer _checkpointer;
    private readonly List<Pending> _batch = new(256);
    private readonly bool _inline;
    private PredictionInsert? _insert;
    private bool _leading;
    private bool _closed;
    private long _backlog;
    private long _committed;

    // LOCKSTEP_TRACE_BATCH=1 (batch scoring's phase breakdown): time in INSERTs and in COMMITs.
    internal static long TraceInsertTicks;
    internal static long TraceCommitTicks;

    private PredictionLog(SqliteConnection connection, string connectionString, LogDurability durability)
    {
        _connection = connection;
        // With an fsync per commit (milliseconds), a request thread would block on the disk, and
        // the hop to the writer thread (microseconds) is not what the request waits for.
        _inline = durability != LogDurability.Full;
        _checkpointer = new WalCheckpointer(connectionString, () => Committed);
        _writer = new Thread(WriteLoop) { IsBackground = true, Name = "lockstep prediction log" };
        _writer.Start();
    }

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
            return new PredictionLog(connection, connectionString, durability);
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
        return Enqueue(new Pending(records));
    }

    /// <summary>
    /// Completes once the block (a batch chunk: all its predictions in one row of the log) is
    /// committed. Always committed by the writer thread, so batch scoring goes on meanwhile.
    /// </summary>
    public Task AppendAsync(PredictionBlock block)
    {
        ArgumentNullException.ThrowIfNull(block);
        return Enqueue(new Pending([], block));
    }

    /// <summary>
    /// As <see cref="AppendAsync(PredictionBlock)"/>, for a block of format 3: its commit waits
    /// until <paramref name="input"/> (the run's input file being stored, and checked) completes,
    /// and records it in the same transaction, so no committed block ever refers to an object that
    /// is not in the store. A failed <paramref name="input"/> fails this append; nothing of it is
    /// written. The wait is on the log's writer thread (blocks always commit there).
    /// </summary>
    public Task AppendAsync(PredictionBlock block, Task<LoggedInput> input)
    {
        ArgumentNullException.ThrowIfNull(block);
        ArgumentNullException.ThrowIfNull(input);
        return Enqueue(new Pending([], block) { Input = input });
    }

    /// <summary>Removes a batch run's blocks and input reference, in one transaction (a run refused after some of its blocks were committed).</summary>
    public Task DiscardAsync(string requestId)
    {
        ArgumentException.ThrowIfNullOrEmpty(requestId);
        return Enqueue(new Pending([]) { Discard = requestId });
    }

    private Task Enqueue(Pending pending)
    {
        bool lead;
        lock (_sync)
        {
            if (_closed)
            {
                return Task.FromException(new StoreException("the prediction log is closed; no more predictions can be recorded"));
            }
            _queue.Enqueue(pending);
            Interlocked.Add(ref _backlog, pending.Count);
            lead = !_leading;
            _leading = true;
        }
        if (lead)
        {
            if (_inline && pending.Block is null && pending.Discard is null && pending.Count <= InlineRows)
            {
                try
                {
                    // Appends that arrived during the commit are committed here too, a few groups
                    // at most: waking the writer thread for them is a hop that, on a busy machine,
                    // costs them more than one more commit costs this request.
                    for (var round = 0; round < InlineRounds && CommitQueued() > 0; round++)
                    {
                    }
                }
                finally
                {
                    HandOff();
                }
            }
            else
            {
                _wake.Set();
            }
        }
        return pending.Done.Task;
    }

    /// <summary>Called by the leader after its commit: gives up leadership, or passes it to the writer thread when appends arrived meanwhile.</summary>
    private void HandOff()
    {
        lock (_sync)
        {
            if (_queue.Count == 0 && !_closed)
            {
                _leading = false;
                return;
            }
        }
        _wake.Set();
    }

    /// <summary>
    /// The writer thread: sleeps until a leader hands it the log (or the log closes), then commits
    /// until nothing is queued. It sleeps on an event without spinning: spinning on this thread,
    /// idle between commits, once cost a fifth of the server's CPU under load on 2 cores.
    /// </summary>
    private void WriteLoop()
    {
        while (true)
        {
            _wake.Wait();
            _wake.Reset();
            while (CommitQueued() > 0)
            {
            }
            lock (_sync)
            {
                if (_queue.Count > 0)
                {
                    _wake.Set();
                    continue;
                }
                _leading = false;
                if (_closed)
                {
                    break;
                }
            }
        }
        _insert?.Dispose();
    }

    /// <summary>Commits what is queued (up to <see cref="MaxBatch"/> rows) in one transaction; only the leader calls it.</summary>
    private int CommitQueued()
    {
        var batch = _batch;
        batch.Clear();
        var rows = 0;
        lock (_sync)
        {
            while (rows < MaxBatch && _queue.TryDequeue(out var next))
            {
                batch.Add(next);
                rows += next.Count;
            }
        }
        if (batch.Count == 0)
        {
            return 0;
        }
        // A block that refers to an input object commits only once the object is stored (and
        // checked): waited for here, before the transaction, so the write lock is not held meanwhile.
        for (var i = batch.Count - 1; i >= 0; i--)
        {
            if (batch[i].Input is { } input)
            {
                try
                {
                    batch[i].Stored = input.GetAwaiter().GetResult();
                }
                catch (Exception e)
                {
                    Interlocked.Add(ref _backlog, -batch[i].Count);
                    rows -= batch[i].Count;
                    batch[i].Done.TrySetException(e);
                    batch.RemoveAt(i);
                }
            }
        }
        try
        {
            // Prepared on first use, inside the try: a failure is reported to the waiters.
            _insert ??= new PredictionInsert(_connection);
            var t0 = System.Diagnostics.Stopwatch.GetTimestamp();
            _insert.Begin();
            foreach (var pending in batch)
            {
                foreach (var r in pending.Records)
                {
                    _insert.Insert(r);
                }
                if (pending.Stored is { } stored)
                {
                    _insert.Insert(stored);
                }
                if (pending.Block is { } block)
                {
                    _insert.Insert(block);
                }
                if (pending.Discard is { } discard)
                {
                    _insert.Discard(discard);
                }
            }
            var t1 = System.Diagnostics.Stopwatch.GetTimestamp();
            _insert.Commit();
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
            _insert?.Rollback();
            Interlocked.Add(ref _backlog, -rows);
            var failure = new StoreException($"the prediction log could not be written: {e.Message}", e);
            foreach (var pending in batch)
            {
                pending.Done.TrySetException(failure);
            }
        }
        batch.Clear();
        return rows;
    }

    /// <summary>Stops accepting records, commits what is queued and closes the connection.</summary>
    public async ValueTask DisposeAsync()
    {
        bool wake;
        lock (_sync)
        {
            _closed = true;
            // An active leader passes the log to the writer thread when it is done (HandOff).
            wake = !_leading;
            _leading = true;
        }
        if (wake)
        {
            _wake.Set();
        }
        await Task.Run(_writer.Join).ConfigureAwait(false);
        _wake.Dispose();
        _checkpointer.Dispose();
        await _connection.DisposeAsync().ConfigureAwait(false);
    }

    private sealed class Pending(IReadOnlyList<PredictionRecord> records, PredictionBlock? block = null)
    {
        public IReadOnlyList<PredictionRecord> Records { get; } = records;

        /// <summary>A batch chunk's predictions, one row of the log.</summary>
        public PredictionBlock? Block { get; } = block;

        /// <summary>The input object a format 3 block refers to, being stored: waited for before the block's commit.</summary>
        public Task<LoggedInput>? Input { get; init; }

        /// <summary><see cref="Input"/>'s result, once stored.</summary>
        public LoggedInput? Stored { get; set; }

        /// <summary>A run whose blocks and input reference are to be removed.</summary>
        public string? Discard { get; init; }

        /// <summary>Predictions (not log rows) this append holds.</summary>
        public int Count => Records.Count + (Block?.Rows ?? 0);

        // Waiters resume on the thread pool, not on the committing thread: that thread is the
        // leader's request (or the writer) and must not run other requests' answers first.
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
