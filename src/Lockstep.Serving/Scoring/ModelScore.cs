namespace Lockstep.Serving.Scoring;

/// <summary>One row's answer: raw score, calibrated probability and the predicted label.</summary>
public readonly record struct ModelScore(double Score, double Probability, string Label);
