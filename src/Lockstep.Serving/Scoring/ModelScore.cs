namespace Lockstep.Serving.Scoring;

/// <summary>One row's answer: raw score, probability (null for regression) and the predicted label (null for regression).</summary>
public readonly record struct ModelScore(double Score, double? Probability, string? Label);
