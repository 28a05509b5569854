namespace Lockstep.ML.Ensembles;

/// <summary>
/// One member of an ensemble: the bundle entry holding its ML.NET model, its trainer and
/// hyperparameters, the blake3 of its model bytes, and (when it came from a tune step) the trial
/// it was and that trial's cross-validated score.
/// </summary>
public sealed record EnsembleMember(
    string Entry,
    string Trainer,
    IReadOnlyDictionary<string, double> Hyperparameters,
    string Blake3,
    int? Trial,
    double? Score);
