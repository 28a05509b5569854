namespace Lockstep.Stores.Sqlite.Migrations;

/// <summary>
/// The store schema, as numbered migrations. Numbers are reserved by feature so that work in
/// parallel does not collide: 1 runs and cache, 2 dataset snapshots, 3 model registry,
/// 4 prediction log.
/// </summary>
public static class CoreMigrations
{
    public static readonly Migration RunsAndCache = new(1, "runs, step records, artifacts and the cache index", """
        CREATE TABLE runs (
            id TEXT PRIMARY KEY,
            pipeline TEXT NOT NULL,
            kind TEXT NOT NULL,
            reproduces TEXT,
            status TEXT NOT NULL,
            started_at TEXT NOT NULL,
            finished_at TEXT,
            user TEXT NOT NULL,
            host TEXT NOT NULL,
            pid INTEGER NOT NULL,
            seed INTEGER NOT NULL,
            seed_generated INTEGER NOT NULL,
            workspace TEXT NOT NULL,
            config_json TEXT NOT NULL,
            environment_json TEXT NOT NULL,
            source_json TEXT NOT NULL,
            error TEXT
        );
        CREATE INDEX runs_started ON runs(started_at);
        CREATE TABLE step_runs (
            run_id TEXT NOT NULL REFERENCES runs(id),
            step_id TEXT NOT NULL,
            type TEXT NOT NULL,
            status TEXT NOT NULL,
            cached INTEGER NOT NULL,
            cache_key TEXT NOT NULL,
            cache_reason TEXT NOT NULL,
            key_json TEXT NOT NULL,
            code_identity TEXT NOT NULL,
            started_at TEXT NOT NULL,
            finished_at TEXT,
            duration_ms REAL NOT NULL,
            params_json TEXT NOT NULL,
            seed INTEGER,
            metrics_json TEXT NOT NULL,
            log TEXT NOT NULL,
            error TEXT,
            PRIMARY KEY (run_id, step_id)
        );
        CREATE TABLE step_artifacts (
            run_id TEXT NOT NULL,
            step_id TEXT NOT NULL,
            direction TEXT NOT NULL CHECK (direction IN ('in', 'out')),
            name TEXT NOT NULL,
            hash TEXT NOT NULL,
            size INTEGER NOT NULL,
            source TEXT,
            PRIMARY KEY (run_id, step_id, direction, name)
        );
        CREATE INDEX step_artifacts_hash ON step_artifacts(hash);
        CREATE TABLE cache_entries (
            key TEXT PRIMARY KEY,
            run_id TEXT NOT NULL,
            step_id TEXT NOT NULL,
            outputs_json TEXT NOT NULL,
            metrics_json TEXT NOT NULL
        );
        """);

    public static IReadOnlyList<Migration> All { get; } = [RunsAndCache];
}
