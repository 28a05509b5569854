using System.Text.Json.Nodes;
using Lockstep.ML.Bundles;
using Lockstep.ML.Evaluation;
using Lockstep.Steps;

namespace Lockstep.ML.Steps;

/// <summary>
/// Scores held-out data with a bundle (through the bundle's own preprocessing, as serving will),
/// writes the metrics, an HTML report, and the bundle again with the metrics inside.
/// </summary>
public sealed class EvaluateStep : IStepType
{
    public StepSignature Signature { get; } = new()
    {
        Type = "evaluate",
        Description = "Computes test metrics (AUC, F1, log-loss, RMSE, R², …) and an HTML report, and puts the metrics into the bundle.",
        UsesSeed = true,
        Inputs =
        [
            new InputSpec("bundle", true, "the model bundle from a train step"),
            new InputSpec("test", true, "held-out rows with the label: a snapshot or a delimited text file"),
        ],
        Outputs =
        [
            new OutputSpec("bundle", "the bundle with its metrics filled in"),
            new OutputSpec("metrics", "the metrics (JSON)"),
            new OutputSpec("report", "the evaluation report (HTML)"),
        ],
        Parameters =
        [
            ParameterSpec.Opt("title", ParameterKind.String, null, "the report's title"),
            ParameterSpec.Opt("seed", ParameterKind.Integer, null, "override the step's derived seed (permutation importance)"),
            StepData.CsvParameter,
        ],
    };

    public async Task ExecuteAsync(StepContext context, CancellationToken cancellationToken)
    {
        // Phase timings go to the step log only, to show where the step's time goes.
        var watch = System.Diagnostics.Stopwatch.StartNew();
        void Phase(string name)
        {
            context.Log.WriteLine($"  {name}: {watch.Elapsed.TotalMilliseconds:0} ms");
            watch.Restart();
        }
        var model = await ModelBundle.LoadAsync(context.Input("bundle").Path, BundleLoadOptions.Strict, cancellationToken).ConfigureAwait(false);
        Phase("load bundle");
        var test = await StepData.ReadFrameAsync(context, "test", cancellationToken).ConfigureAwait(false);
        Phase("read test data");
        var result = Evaluator.Evaluate(model, test, context.Seed32);
        Phase("score, metrics and permutation importance");
        var metrics = new JsonObject();
        foreach (var (name, value) in result.Metrics)
        {
            metrics[name] = value;
            context.SetMetric(name, value);
        }
        var importance = new JsonObject();
        foreach (var (column, drop) in result.Importance)
        {
            importance[column] = drop;
        }
        var document = new JsonObject
        {
            ["task"] = model.Preprocessing.Label.Task,
            ["primary_metric"] = result.PrimaryMetric,
            ["metrics"] = metrics,
            ["feature_importance"] = importance,
        };
        await File.WriteAllBytesAsync(context.OutputPath("metrics"), MLJson.ToBytes(document), cancellationToken).ConfigureAwait(false);
        var title = context.Parameters.GetStringOrNull("title") ?? $"Evaluation of {context.Input("bundle").Source} on {context.Input("test").Source}";
        await File.WriteAllTextAsync(context.OutputPath("report"), HtmlReport.Render(title, result, model.Preprocessing), cancellationToken).ConfigureAwait(false);
        Phase("metrics and report");
        await model.Bundle.WithMetrics(metrics).WriteAsync(context.OutputPath("bundle"), cancellationToken).ConfigureAwait(false);
        Phase("write bundle");
        context.Log.WriteLine(string.Join(", ", result.Metrics.Select(m => $"{m.Key} {m.Value:0.####}")));
    }
}
