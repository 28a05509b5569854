namespace Lockstep.ML.Features;

/// <summary>Per-column settings that override the defaults of <see cref="FeaturizeOptions"/>.</summary>
/// <param name="Kind">numeric, categorical, text or ignore.</param>
public sealed record ColumnOverride(
    string? Kind = null,
    string? Impute = null,
    double? Value = null,
    string? Category = null,
    bool? Indicator = null,
    string? Scale = null,
    string? Encoding = null);
