using Lockstep.ML.Evaluation;
using Lockstep.ML.Frames;
using Lockstep.Steps;

namespace Lockstep.ML.Steps;

/// <summary>
/// Measures the bundle as it will be served: size, load time, memory, single-row latency p50/p99
/// and batch throughput, on raw rows from the sample input. Nondeterministic by nature (timings).
/// </summary>
public sealed class ProfileStep : IStepType
{
    public StepSignature Signature { get; } = new()
    {
        Type = "profile",
        Description = "Measures a bundle's size, load time, memory, single-row latency (p50/p99) and batch throughput.",
        Deterministic = false,
        Inputs =
        [
            new InputSpec("bundle", true, "the model bundle"),
            new InputSpec("sample", true, "raw rows to predict: a snapshot or a delimited text file"),
        ],
        Outputs = [new OutputSpec("profile", "the performance profile (JSON)")],
        Parameters =
        [
            ParameterSpec.Opt("predictions", ParameterKind.Integer, 5000L, "single-row predictions to time"),
            ParameterSpec.Opt("rows", ParameterKind.Integer, 1000L, "sample rows to use"),
            StepData.CsvParameter,
        ],
    };

    public async Task ExecuteAsync(StepContext context, CancellationToken cancellationToken)
    {
        var frame = await StepData.ReadFrameAsync(context, "sample", cancellationToken).ConfigureAwait(false);
        var count = (int)Math.Min(frame.RowCount, context.Parameters.GetInt64OrNull("rows") ?? 1000);
        var rows = Enumerable.Range(0, count).Select(r => Row(frame, r)).ToList();
        var profile = await Profiler.MeasureAsync(context.Input("bundle").Path, rows, (int)(context.Parameters.GetInt64OrNull("predictions") ?? 5000), cancellationToken).ConfigureAwait(false);
        await File.WriteAllBytesAsync(context.OutputPath("profile"), MLJson.ToBytes(profile), cancellationToken).ConfigureAwait(false);
        context.SetMetric("latency_p50_ms", profile.LatencyP50Ms);
        context.SetMetric("latency_p99_ms", profile.LatencyP99Ms);
        context.SetMetric("load_ms", profile.LoadMs);
        context.SetMetric("bundle_mb", profile.BundleMb);
        context.SetMetric("batch_rows_per_second", profile.BatchRowsPerSecond);
        context.Log.WriteLine($"bundle {profile.BundleMb} MB, load {profile.LoadMs} ms, p50 {profile.LatencyP50Ms} ms, p99 {profile.LatencyP99Ms} ms, {profile.BatchRowsPerSecond} rows/s in batches, {profile.AllocatedBytesPerPrediction} bytes allocated per prediction");
    }

    /// <summary>A frame row as a request body would carry it.</summary>
    internal static IReadOnlyDictionary<string, object?> Row(Frame frame, int r)
    {
        var row = new Dictionary<string, object?>(frame.Columns.Count, StringComparer.Ordinal);
        foreach (var column in frame.Columns)
        {
            row[column.Name] = column.IsMissing(r) ? null : column.Numbers is { } n ? n[r] : column.Texts![r];
        }
        return row;
    }
}
