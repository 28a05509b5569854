namespace Lockstep.ML.Features;

/// <summary>
/// The fitted label: which column, the task, and for classification the classes in index order
/// (<see cref="PositiveClass"/> is the class a binary model's probability is about).
/// </summary>
/// <param name="TrimSuffix">Characters removed from the end of label values before matching (adult.test's labels end with '.').</param>
public sealed record LabelManifest(
    string Column,
    string Task,
    IReadOnlyList<string>? Classes,
    string? PositiveClass,
    string? TrimSuffix);
