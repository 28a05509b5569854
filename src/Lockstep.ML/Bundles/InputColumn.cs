namespace Lockstep.ML.Bundles;

/// <summary>
/// One column the model reads, as seen in the training data: its type ("number" or "text"),
/// whether it had missing values, and simple expectations (range of numbers, missing rate).
/// </summary>
public sealed record InputColumn(string Name, string Type, bool Nullable, double MissingRate, double? Min, double? Max, int? DistinctValues);
