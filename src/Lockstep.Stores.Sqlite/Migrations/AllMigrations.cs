namespace Lockstep.Stores.Sqlite.Migrations;

/// <summary>Every migration this build knows, by number. Add a line here for each new one.</summary>
public static class AllMigrations
{
    public static IReadOnlyList<Migration> List { get; } =
    [
        .. CoreMigrations.All,
        DatasetMigrations.Datasets,
        ModelRegistryMigration.Registry,
        PredictionLogMigration.PredictionLog,
        PredictionLogMigration.PredictionBlocks,
        PredictionLogMigration.PredictionInputs,
        PredictionLogMigration.PredictionSequence,
    ];

    /// <summary>
    /// Queries that each return one column of object hashes a feature still refers to; garbage
    /// collection keeps every object any of them names.
    /// </summary>
    public static IReadOnlyList<string> ReferenceQueries { get; } =
    [
        "SELECT hash FROM step_artifacts",
        "SELECT snapshot FROM datasets UNION SELECT statistics FROM datasets",
        "SELECT bundle_hash FROM model_versions",
        "SELECT object_hash FROM prediction_inputs",
    ];
}
