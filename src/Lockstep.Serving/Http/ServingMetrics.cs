using Prometheus;

namespace Lockstep.Serving.Http;

/// <summary>The server's Prometheus metrics, in a registry of its own (several servers can share a process in tests).</summary>
public sealed class ServingMetrics
{
    public ServingMetrics()
    {
        Registry = Metrics.NewCustomRegistry();
        var f = Metrics.WithCustomRegistry(Registry);
        // No exemplars: nothing traces requests, and looking for a trace per increment showed in profiles.
        f.ExemplarBehavior = new ExemplarBehavior { DefaultExemplarProvider = (_, _) => Exemplar.None };
        Requests = f.CreateCounter("lockstep_requests_total", "HTTP predict requests by status code.", "code");
        Rows = f.CreateCounter("lockstep_predicted_rows_total", "Rows scored.");
        Latency = f.CreateHistogram("lockstep_request_duration_seconds", "Predict request latency including the durable log write.",
            new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.0001, 2, 16) });
        // The request's wait for its group commit, on its own: what the durable log adds to a request.
        LogWait = f.CreateHistogram("lockstep_prediction_log_wait_seconds", "Time a predict request waited for its rows' commit to the durable log.",
            new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.00001, 2, 20) });
        Errors = f.CreateCounter("lockstep_errors_total", "Failed predict requests by kind.", "kind");
        ValidationFailures = f.CreateCounter("lockstep_validation_failures_total", "Field findings from request validation.");
        LogBacklog = f.CreateGauge("lockstep_prediction_log_backlog", "Predictions queued for the durable log and not yet committed.");
        ModelVersion = f.CreateGauge("lockstep_model_version", "Version of the model being served.");
        Swaps = f.CreateCounter("lockstep_model_swaps_total", "Alias moves: swapped in, or refused because the bundle did not verify.", "outcome");
    }

    public CollectorRegistry Registry { get; }

    public Counter Requests { get; }

    public Counter Rows { get; }

    public Histogram Latency { get; }

    public Histogram LogWait { get; }

    public Counter Errors { get; }

    public Counter ValidationFailures { get; }

    public Gauge LogBacklog { get; }

    public Gauge ModelVersion { get; }

    public Counter Swaps { get; }
}
