namespace Lockstep.ML.Evaluation;

/// <summary>
/// How the model behaves as it will be served, measured in this process: size, load time, managed
/// memory, single-row latency (raw row in, prediction out, preprocessing included) and batch
/// throughput. Timings vary from run to run; this is why the profile step is marked nondeterministic.
/// </summary>
public sealed record PerformanceProfile(
    long BundleBytes,
    double BundleMb,
    double LoadMs,
    long MemoryBytes,
    double AllocatedBytesPerPrediction,
    double LatencyP50Ms,
    double LatencyP99Ms,
    double LatencyMaxMs,
    double BatchRowsPerSecond,
    int MeasuredPredictions);
