namespace Lockstep.Stores.Sqlite.Migrations;

/// <summary>
/// Migration 4: the durable prediction log. One row per scored input row; a batch request writes
/// one row per element with the same request id and its index. One secondary index only (the
/// list/export filters: model, version, time): every extra index is paid on each insert, on the
/// request path.
/// </summary>
public static class PredictionLogMigration
{
    public static readonly Migration PredictionLog = new(4, "prediction log", """
        CREATE TABLE predictions (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            request_id TEXT NOT NULL,
            row_index INTEGER NOT NULL,
            at TEXT NOT NULL,
            model TEXT NOT NULL,
            version INTEGER NOT NULL,
            bundle_hash TEXT NOT NULL,
            input_json TEXT NOT NULL,
            output_json TEXT NOT NULL,
            findings_json TEXT,
            latency_us INTEGER NOT NULL,
            source TEXT NOT NULL
        );
        CREATE INDEX predictions_model_at ON predictions(model, version, at);
        """);

    /// <summary>
    /// Migration 5: batch blocks. A row with <c>block_rows</c> set holds that many predictions of one
    /// <c>lockstep predict</c> run (consecutive rows from <c>row_index</c> on, one model, one time) in
    /// <c>block</c>, a versioned binary encoding of each row's input line, score, probability,
    /// label and findings, with the run's header once; its <c>input_json</c> and
    /// <c>output_json</c> are empty. One SQLite row per prediction cost more than scoring it, and a
    /// block commits in the same group-commit transaction, so durability is unchanged. The log's
    /// reader expands blocks, so list and export show one prediction per row as before.
    /// </summary>
    public static readonly Migration PredictionBlocks = new(5, "prediction log: batch blocks", """
        ALTER TABLE predictions ADD COLUMN block_rows INTEGER;
        ALTER TABLE predictions ADD COLUMN block BLOB;
        """);

    /// <summary>
    /// Migration 6: batch inputs stored once, by content hash. A <c>lockstep predict</c> run whose
    /// input is a plain file stores that file as one object of the object store and logs blocks of
    /// format 3, whose rows name where their line lies in that object instead of carrying it. One
    /// row per run names the object (<c>object_hash</c>), so garbage collection keeps it while the
    /// log refers to it (<see cref="AllMigrations.ReferenceQueries"/>) without decoding a block.
    /// Written in the same transaction as the run's first block.
    /// </summary>
    public static readonly Migration PredictionInputs = new(6, "prediction log: batch inputs by content hash", """
        CREATE TABLE prediction_inputs (
            request_id TEXT PRIMARY KEY,
            object_hash TEXT NOT NULL,
            path TEXT NOT NULL,
            size INTEGER NOT NULL
        ) WITHOUT ROWID;
        """);

    /// <summary>
    /// Migration 7: the log's rows are numbered without AUTOINCREMENT. AUTOINCREMENT made every
    /// commit also rewrite the <c>sqlite_sequence</c> table's page: three pages per group commit
    /// instead of two (row, index), on the server's request path. Measured at 1,000 req/s: the
    /// server's CPU per request 97 vs 108 µs (bench/serve.md, session 8). Without it a row's
    /// <c>seq</c> is still the order of insertion (the reader's ORDER BY), and a number could be
    /// reused only after the newest rows were deleted, which only a refused batch run does to its
    /// own rows. The table is rebuilt once: existing rows keep their numbers.
    /// </summary>
    public static readonly Migration PredictionSequence = new(7, "prediction log: rows numbered without AUTOINCREMENT", """
        CREATE TABLE predictions_new (
            seq INTEGER PRIMARY KEY,
            request_id TEXT NOT NULL,
            row_index INTEGER NOT NULL,
            at TEXT NOT NULL,
            model TEXT NOT NULL,
            version INTEGER NOT NULL,
            bundle_hash TEXT NOT NULL,
            input_json TEXT NOT NULL,
            output_json TEXT NOT NULL,
            findings_json TEXT,
            latency_us INTEGER NOT NULL,
            source TEXT NOT NULL,
            block_rows INTEGER,
            block BLOB
        );
        INSERT INTO predictions_new (seq, request_id, row_index, at, model, version, bundle_hash, input_json, output_json, findings_json, latency_us, source, block_rows, block)
            SELECT seq, request_id, row_index, at, model, version, bundle_hash, input_json, output_json, findings_json, latency_us, source, block_rows, block FROM predictions;
        DROP TABLE predictions;
        ALTER TABLE predictions_new RENAME TO predictions;
        CREATE INDEX predictions_model_at ON predictions(model, version, at);
        DELETE FROM sqlite_sequence WHERE name = 'predictions';
        """);
}
