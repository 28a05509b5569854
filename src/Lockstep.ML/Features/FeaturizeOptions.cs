namespace Lockstep.ML.Features;

/// <summary>
/// How to fit the preprocessing. Numeric columns become numeric features, text columns
/// categorical ones, unless <see cref="TextColumns"/> or <see cref="Columns"/> say otherwise.
/// </summary>
public sealed record FeaturizeOptions
{
    public required string Label { get; init; }
    public TaskKind Task { get; init; } = TaskKind.Binary;
    public string? PositiveClass { get; init; }
    public string? LabelTrimSuffix { get; init; }

    /// <summary>Columns to use (empty: every column but the label).</summary>
    public IReadOnlyList<string> Include { get; init; } = [];
    public IReadOnlyList<string> Exclude { get; init; } = [];

    public string NumericImpute { get; init; } = "median";
    public bool MissingIndicator { get; init; } = true;
    public string Scale { get; init; } = "none";

    public string CategoricalEncoding { get; init; } = "onehot";
    public string CategoricalImpute { get; init; } = "bucket";
    /// <summary>Categories seen fewer times than this in training fold into the unknown bucket.</summary>
    public int MinCategoryCount { get; init; } = 1;
    public int MaxCategories { get; init; } = 1000;

    public IReadOnlyList<string> TextColumns { get; init; } = [];
    public int WordNgrams { get; init; } = 2;
    public int CharNgrams { get; init; }
    public int MaxVocabulary { get; init; } = 5000;
    public int MinDocumentFrequency { get; init; } = 2;

    public IReadOnlyDictionary<string, ColumnOverride> Columns { get; init; } = new Dictionary<string, ColumnOverride>();
}
