namespace Lockstep.ML.Ensembles;

/// <summary>One member to train: its trainer and hyperparameters, and the tune trial (and its score) it came from.</summary>
public sealed record PlannedMember(string Trainer, IReadOnlyDictionary<string, double> Hyperparameters, int? Trial, double? Score);
