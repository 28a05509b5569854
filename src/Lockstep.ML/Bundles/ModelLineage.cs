namespace Lockstep.ML.Bundles;

/// <summary>
/// Where a model came from (lineage.json): the content hashes of its input data, the hash of the
/// training configuration, the seed and the hash of the code that trained it. The run id is not
/// here on purpose — it differs on every run and would break "same inputs, same bundle bytes";
/// the registry records the run id with each registered version.
/// </summary>
public sealed record ModelLineage(
    IReadOnlyDictionary<string, string> Inputs,
    string ConfigHash,
    long Seed,
    string CodeIdentity,
    string Trainer,
    string? StepId);
