namespace Lockstep.Stores.Sqlite.Migrations;

/// <summary>Migration 2: the dataset catalogue (named, versioned snapshots).</summary>
public static class DatasetMigrations
{
    public static readonly Migration Datasets = new(2, "dataset catalogue", """
        CREATE TABLE datasets (
            name TEXT NOT NULL,
            version INTEGER NOT NULL,
            snapshot TEXT NOT NULL,
            statistics TEXT NOT NULL,
            rows INTEGER NOT NULL,
            columns INTEGER NOT NULL,
            source TEXT NOT NULL,
            run_id TEXT,
            step_id TEXT,
            created_at TEXT NOT NULL,
            PRIMARY KEY (name, version)
        );
        CREATE INDEX datasets_snapshot ON datasets(name, snapshot);
        """);
}
