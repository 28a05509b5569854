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
}
