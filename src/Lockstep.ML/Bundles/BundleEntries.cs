namespace Lockstep.ML.Bundles;

/// <summary>The bundle's entry names, in the fixed order they are written.</summary>
public static class BundleEntries
{
    public const string Format = "format.json";
    public const string Model = "model.zip";
    public const string Preprocessing = "preprocessing.json";
    public const string Schema = "schema.json";
    /// <summary>The training data's expectations (the data layer's schema/1 YAML), for validating requests.</summary>
    public const string Expectations = "expectations.yaml";
    /// <summary>The training data's statistics (statistics/1 JSON), for drift monitoring.</summary>
    public const string Statistics = "statistics.json";
    public const string Metrics = "metrics.json";
    public const string Profile = "profile.json";
    public const string Environment = "environment.json";
    public const string Lineage = "lineage.json";
    public const string Example = "example.json";
    /// <summary>Ensemble bundles only (format version 3): the members and the fitted combiner; written after <see cref="Example"/>, followed by the members' model entries.</summary>
    public const string Ensemble = "ensemble.json";
    /// <summary>The hash of every other entry; always last.</summary>
    public const string Manifest = "manifest.json";

    /// <summary>The entry holding ensemble member <paramref name="number"/> (1-based): member 1 is <see cref="Model"/>, member n is member-n.zip.</summary>
    public static string Member(int number) => number == 1 ? Model : $"member-{number}.zip";

    /// <summary>The entries every bundle has, in the order they are written.</summary>
    public static IReadOnlyList<string> Ordered { get; } =
        [Format, Model, Preprocessing, Schema, Expectations, Statistics, Metrics, Profile, Environment, Lineage, Example];
}
