namespace Lockstep.ML.Features;

/// <summary>
/// One input column's fitted transformation and where its output lands in the feature vector
/// (<see cref="Offset"/>, <see cref="Width"/> slots). Which fields are set depends on
/// <see cref="Kind"/>: "numeric", "categorical" or "text".
/// </summary>
public sealed record FeatureManifest
{
    public required string Column { get; init; }
    public required string Kind { get; init; }
    public int Offset { get; init; }
    public int Width { get; init; }

    /// <summary>Numeric: mean, median, most_frequent or constant; categorical: bucket, most_frequent or constant.</summary>
    public string? Impute { get; init; }
    /// <summary>Numeric: the value that replaces a missing one.</summary>
    public double? ImputeValue { get; init; }
    /// <summary>Categorical: the category that replaces a missing one (null: the missing bucket).</summary>
    public string? ImputeCategory { get; init; }
    /// <summary>Numeric: an extra slot that is 1 when the value was missing.</summary>
    public bool MissingIndicator { get; init; }
    /// <summary>none, minmax or standard; the slot holds (value - ScaleOffset) * ScaleFactor.</summary>
    public string? Scale { get; init; }
    public double ScaleOffset { get; init; }
    public double ScaleFactor { get; init; } = 1;

    /// <summary>Categorical: onehot (one slot per category, then missing, then unknown) or key (one slot: the index).</summary>
    public string? Encoding { get; init; }
    /// <summary>Categorical: the categories seen in training, in slot order.</summary>
    public IReadOnlyList<string>? Categories { get; init; }
    /// <summary>Categorical: categories seen fewer than the minimum count, folded into the unknown bucket.</summary>
    public IReadOnlyList<string>? FoldedRare { get; init; }

    /// <summary>Text: word n-grams up to this length (0: none).</summary>
    public int WordNgrams { get; init; }
    /// <summary>Text: character n-grams of exactly this length (0: none).</summary>
    public int CharNgrams { get; init; }
    /// <summary>Text: the n-grams kept, in slot order ("w:free entry", "c:fre").</summary>
    public IReadOnlyList<string>? Vocabulary { get; init; }
    /// <summary>Text: the inverse document frequency of each vocabulary entry.</summary>
    public IReadOnlyList<double>? Idf { get; init; }
}
