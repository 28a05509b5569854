namespace Lockstep.ML.Bundles;

/// <summary>
/// One prediction. <see cref="Score"/> is the raw model output (the predicted value for
/// regression); <see cref="Probability"/> is the calibrated probability of the positive class
/// (binary) or of the predicted class (multiclass); <see cref="Label"/> is the predicted class.
/// </summary>
public sealed record Prediction(float Score, float? Probability, string? Label, IReadOnlyList<float>? ClassScores);
