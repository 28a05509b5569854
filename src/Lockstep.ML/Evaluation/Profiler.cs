using System.Diagnostics;
using Lockstep.ML.Bundles;

namespace Lockstep.ML.Evaluation;

/// <summary>Measures a bundle's <see cref="PerformanceProfile"/> on sample raw rows.</summary>
public static class Profiler
{
    public static async Task<PerformanceProfile> MeasureAsync(string bundlePath, IReadOnlyList<IReadOnlyDictionary<string, object?>> rows, int predictions, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfZero(rows.Count);
        var size = new FileInfo(bundlePath).Length;
        // Load once to warm up the code paths, then time the median of three loads.
        await ModelBundle.LoadAsync(bundlePath, BundleLoadOptions.Strict, cancellationToken).ConfigureAwait(false);
        var loads = new List<double>();
        LoadedModel? model = null;
        long memory = 0;
        for (var i = 0; i < 3; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            var before = GC.GetTotalMemory(forceFullCollection: true);
            var watch = Stopwatch.StartNew();
            model = await ModelBundle.LoadAsync(bundlePath, BundleLoadOptions.Strict, cancellationToken).ConfigureAwait(false);
            loads.Add(watch.Elapsed.TotalMilliseconds);
            memory = Math.Max(0, GC.GetTotalMemory(forceFullCollection: true) - before);
        }
        loads.Sort();
        for (var i = 0; i < Math.Min(200, predictions); i++)
        {
            model!.Predict(rows[i % rows.Count]); // warm-up (JIT, pools)
        }
        var latencies = new double[predictions];
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < predictions; i++)
        {
            var start = Stopwatch.GetTimestamp();
            model!.Predict(rows[i % rows.Count]);
            latencies[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }
        var allocated = (double)(GC.GetAllocatedBytesForCurrentThread() - allocatedBefore) / predictions;
        Array.Sort(latencies);
        var batch = Stopwatch.StartNew();
        var batchRows = 0;
        while (batch.Elapsed.TotalMilliseconds < 300 || batchRows < rows.Count)
        {
            model!.PredictBatch(rows);
            batchRows += rows.Count;
        }
        var throughput = batchRows / batch.Elapsed.TotalSeconds;
        return new PerformanceProfile(
            size,
            Math.Round(size / 1048576.0, 4),
            Math.Round(loads[1], 3),
            memory,
            Math.Round(allocated, 1),
            Math.Round(Percentile(latencies, 0.50), 4),
            Math.Round(Percentile(latencies, 0.99), 4),
            Math.Round(latencies[^1], 4),
            Math.Round(throughput, 0),
            predictions);
    }

    private static double Percentile(double[] sorted, double p) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
}
