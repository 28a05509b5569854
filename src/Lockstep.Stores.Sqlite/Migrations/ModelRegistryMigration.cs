namespace Lockstep.Stores.Sqlite.Migrations;

/// <summary>Migration 3: the model registry — immutable numbered versions, current aliases and every alias move.</summary>
public static class ModelRegistryMigration
{
    public static readonly Migration Registry = new(3, "model registry: versions, aliases and alias history", """
        CREATE TABLE model_versions (
            name TEXT NOT NULL,
            version INTEGER NOT NULL,
            bundle_hash TEXT NOT NULL,
            run_id TEXT NOT NULL,
            step_id TEXT,
            lineage_json TEXT NOT NULL,
            metrics_json TEXT NOT NULL,
            registered_at TEXT NOT NULL,
            registered_by TEXT NOT NULL,
            PRIMARY KEY (name, version),
            UNIQUE (name, bundle_hash)
        );
        CREATE INDEX model_versions_hash ON model_versions(bundle_hash);
        CREATE TABLE model_aliases (
            name TEXT NOT NULL,
            alias TEXT NOT NULL,
            version INTEGER NOT NULL,
            PRIMARY KEY (name, alias),
            FOREIGN KEY (name, version) REFERENCES model_versions(name, version)
        );
        CREATE TABLE model_alias_moves (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            name TEXT NOT NULL,
            alias TEXT NOT NULL,
            from_version INTEGER,
            to_version INTEGER,
            moved_by TEXT NOT NULL,
            moved_at TEXT NOT NULL,
            reason TEXT
        );
        CREATE INDEX model_alias_moves_name ON model_alias_moves(name, alias, id);
        """);
}
