using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Lockstep.Serving.Logging;

/// <summary>
/// The log's INSERT as one prepared SQLite statement driven through SQLitePCLRaw, the library
/// under Microsoft.Data.Sqlite, on the log's own connection and inside its transaction. Written
/// this way because the ADO.NET command spent three quarters of the writer thread on per-row
/// overhead (parameter lookup by name, a reader per execution, string-to-UTF-8 copies) while
/// SQLite's own step took a tenth; with the writer thread the limit of batch scoring, that
/// overhead was the limit. Parameters are bound by position from one reused UTF-8 buffer; BEGIN
/// and COMMIT are prepared statements too (the connection serves nothing else).
/// </summary>
internal sealed class PredictionInsert : IDisposable
{
    private const string Sql = """
        INSERT INTO predictions(request_id, row_index, at, model, version, bundle_hash, input_json, output_json, findings_json, latency_us, source)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
        """;

    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;
    private const string BlockSql = """
        INSERT INTO predictions(request_id, row_index, at, model, version, bundle_hash, input_json, output_json, findings_json, latency_us, source, block_rows, block)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, '', '', NULL, 0, ?7, ?8, ?9)
        """;

    private readonly sqlite3_stmt _block;
    private readonly sqlite3_stmt _input;
    private readonly sqlite3_stmt _discardBlocks;
    private readonly sqlite3_stmt _discardInput;
    private readonly sqlite3_stmt _begin;
    private readonly sqlite3_stmt _commit;
    private readonly sqlite3_stmt _rollback;
    private byte[] _utf8 = new byte[4096];
    private readonly string?[] _bound = new string?[12];
    private DateTimeOffset _lastAt = DateTimeOffset.MinValue;
    private byte[] _lastAtText = [];

    public PredictionInsert(SqliteConnection connection)
    {
        _db = connection.Handle ?? throw new InvalidOperationException("the prediction log's connection is not open");
        Check(raw.sqlite3_prepare_v2(_db, Sql, out _statement));
        Check(raw.sqlite3_prepare_v2(_db, BlockSql, out _block));
        Check(raw.sqlite3_prepare_v2(_db, "INSERT OR IGNORE INTO prediction_inputs(request_id, object_hash, path, size) VALUES (?1, ?2, ?3, ?4)", out _input));
        Check(raw.sqlite3_prepare_v2(_db, "DELETE FROM predictions WHERE request_id = ?1 AND block_rows IS NOT NULL", out _discardBlocks));
        Check(raw.sqlite3_prepare_v2(_db, "DELETE FROM prediction_inputs WHERE request_id = ?1", out _discardInput));
        Check(raw.sqlite3_prepare_v2(_db, "BEGIN IMMEDIATE", out _begin));
        Check(raw.sqlite3_prepare_v2(_db, "COMMIT", out _commit));
        Check(raw.sqlite3_prepare_v2(_db, "ROLLBACK", out _rollback));
    }

    /// <summary>Starts the group's transaction (IMMEDIATE: takes the write lock now, waiting up to the busy timeout).</summary>
    public void Begin() => Run(_begin);

    public void Commit() => Run(_commit);

    /// <summary>Rolls back after a failed insert or commit; quiet when no transaction is open any more.</summary>
    public void Rollback()
    {
        if (raw.sqlite3_get_autocommit(_db) == 0)
        {
            raw.sqlite3_step(_rollback);
        }
        raw.sqlite3_reset(_rollback);
    }

    // Not AggressiveOptimization: it keeps a method out of the ReadyToRun image, so every process
    // would JIT it at first call (a short run's critical path); the precompiled code does as well.
    public void Insert(PredictionRecord r)
    {
        var s = _statement;
        Text(1, r.RequestId);
        Check(raw.sqlite3_bind_int64(s, 2, r.RowIndex));
        if (r.At != _lastAt)
        {
            // A batch's rows share one time; format it once.
            _lastAt = r.At;
            _lastAtText = Encoding.UTF8.GetBytes(r.At.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture));
        }
        Check(raw.sqlite3_bind_text(s, 3, _lastAtText));
        Text(4, r.Model);
        Check(raw.sqlite3_bind_int64(s, 5, r.Version));
        Text(6, r.BundleHash);
        Text(7, r.InputJson);
        Text(8, r.OutputJson);
        if (r.FindingsJson is null)
        {
            _bound[9] = null;
            Check(raw.sqlite3_bind_null(s, 9));
        }
        else
        {
            Text(9, r.FindingsJson);
        }
        Check(raw.sqlite3_bind_int64(s, 10, r.LatencyMicros));
        Text(11, r.Source);
        var rc = raw.sqlite3_step(s);
        raw.sqlite3_reset(s);
        if (rc != raw.SQLITE_DONE)
        {
            Check(rc);
        }
    }

    /// <summary>Inserts a batch block: one row holding its predictions (store migration 5).</summary>
    public void Insert(PredictionBlock b)
    {
        var s = _block;
        Check(raw.sqlite3_bind_text(s, 1, b.RequestId));
        Check(raw.sqlite3_bind_int64(s, 2, b.FirstRow));
        Check(raw.sqlite3_bind_text(s, 3, PredictionLogReader.Format(b.At)));
        Check(raw.sqlite3_bind_text(s, 4, b.Model));
        Check(raw.sqlite3_bind_int64(s, 5, b.Version));
        Check(raw.sqlite3_bind_text(s, 6, b.BundleHash));
        Check(raw.sqlite3_bind_text(s, 7, b.Source));
        Check(raw.sqlite3_bind_int64(s, 8, b.Rows));
        Check(raw.sqlite3_bind_blob(s, 9, b.Payload.Span));
        var rc = raw.sqlite3_step(s);
        raw.sqlite3_reset(s);
        // The payload is large: drop SQLite's copy of it now rather than at the next block.
        raw.sqlite3_clear_bindings(s);
        if (rc != raw.SQLITE_DONE)
        {
            Check(rc);
        }
    }

    /// <summary>Records which object a run's format 3 blocks refer to (store migration 6), in the transaction of its first block.</summary>
    public void Insert(LoggedInput input)
    {
        var s = _input;
        Check(raw.sqlite3_bind_text(s, 1, input.RequestId));
        Check(raw.sqlite3_bind_text(s, 2, input.ObjectHash));
        Check(raw.sqlite3_bind_text(s, 3, input.Path));
        Check(raw.sqlite3_bind_int64(s, 4, input.Size));
        Step(s);
    }

    /// <summary>Removes a run's blocks and its input reference (a run refused after some of its blocks were committed).</summary>
    public void Discard(string requestId)
    {
        Check(raw.sqlite3_bind_text(_discardBlocks, 1, requestId));
        Step(_discardBlocks);
        Check(raw.sqlite3_bind_text(_discardInput, 1, requestId));
        Step(_discardInput);
    }

    private void Step(sqlite3_stmt s)
    {
        var rc = raw.sqlite3_step(s);
        raw.sqlite3_reset(s);
        raw.sqlite3_clear_bindings(s);
        if (rc != raw.SQLITE_DONE)
        {
            Check(rc);
        }
    }

    public void Dispose()
    {
        _input.Dispose();
        _discardBlocks.Dispose();
        _discardInput.Dispose();
        _block.Dispose();
        _statement.Dispose();
        _begin.Dispose();
        _commit.Dispose();
        _rollback.Dispose();
    }

    private void Run(sqlite3_stmt statement)
    {
        var rc = raw.sqlite3_step(statement);
        raw.sqlite3_reset(statement);
        Check(rc);
    }

    // Not AggressiveOptimization: it keeps a method out of the ReadyToRun image, so every process
    // would JIT it at first call (a short run's critical path); the precompiled code does as well.
    private void Text(int index, string value)
    {
        // SQLite keeps a binding until it is replaced, and model, bundle hash, source (and a
        // batch's request id) are the same string object row after row: bind those once.
        if (ReferenceEquals(_bound[index], value))
        {
            return;
        }
        _bound[index] = null;
        var max = Encoding.UTF8.GetMaxByteCount(value.Length);
        if (max > _utf8.Length)
        {
            _utf8 = new byte[Math.Max(max, _utf8.Length * 2)];
        }
        var n = Encoding.UTF8.GetBytes(value, _utf8);
        // SQLitePCLRaw binds a span with SQLITE_TRANSIENT: SQLite copies it, so the buffer is reused.
        Check(raw.sqlite3_bind_text(_statement, index, _utf8.AsSpan(0, n)));
        _bound[index] = value;
    }

    private void Check(int rc)
    {
        if (rc is not (raw.SQLITE_OK or raw.SQLITE_DONE or raw.SQLITE_ROW))
        {
            throw new SqliteException($"SQLite Error {rc}: '{raw.sqlite3_errmsg(_db).utf8_to_string()}'", rc);
        }
    }
}
