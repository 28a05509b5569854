namespace Lockstep.ML.Features;

/// <summary>
/// The fitted preprocessing, fitted on the training split only: every imputation value, every
/// category list in order, every scaling parameter, the vocabularies and the final feature order.
/// Written as readable JSON (preprocessing.json) and shipped inside the model bundle; serving
/// applies exactly this.
/// </summary>
public sealed record PreprocessingManifest
{
    public const int CurrentFormatVersion = 1;

    public int FormatVersion { get; init; } = CurrentFormatVersion;
    public required LabelManifest Label { get; init; }
    public required IReadOnlyList<FeatureManifest> Features { get; init; }
    /// <summary>The name of every slot of the feature vector, in order.</summary>
    public required IReadOnlyList<string> FeatureNames { get; init; }
    /// <summary>Rows the manifest was fitted on.</summary>
    public int FittedRows { get; init; }

    public TaskKind Task => Enum.Parse<TaskKind>(Label.Task, ignoreCase: true);
}
