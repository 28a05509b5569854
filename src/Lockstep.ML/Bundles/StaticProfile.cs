namespace Lockstep.ML.Bundles;

/// <summary>
/// The deterministic part of the performance profile (profile.json): sizes and shapes. Timings
/// (load time, latency, throughput, memory) vary run to run, so the 'profile' step measures them
/// into its own artifact and the registry keeps them with the version; putting them in the bundle
/// would make its bytes differ on every retrain.
/// </summary>
public sealed record StaticProfile(long ModelBytes, int FeatureCount, int InputColumns, string Trainer, string Task);
