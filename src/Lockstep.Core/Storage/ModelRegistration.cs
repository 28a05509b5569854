using Lockstep.Hashing;

namespace Lockstep.Storage;

/// <summary>What registering a model version records.</summary>
/// <param name="BundleHash">The model bundle's object hash in the store.</param>
/// <param name="RunId">The run that produced (or registered) the bundle.</param>
/// <param name="StepId">The step of that run that registered it, if any.</param>
/// <param name="LineageJson">JSON: where the model came from (snapshots, config hash, code).</param>
/// <param name="MetricsJson">JSON: evaluation metrics and the measured performance profile.</param>
/// <param name="RegisteredBy">Who registered it (user name).</param>
public sealed record ModelRegistration(
    string Name,
    ContentHash BundleHash,
    string RunId,
    string? StepId,
    string LineageJson,
    string MetricsJson,
    string RegisteredBy);
