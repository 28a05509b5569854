namespace Lockstep.ML.Steps;

/// <summary>One gate condition and its outcome: "auc >= 0.85" with the actual value and by how much it passed or failed.</summary>
internal sealed record GateCheck(string Name, string Metric, string Operator, double Threshold, double? Actual, bool Passed, string Detail);
