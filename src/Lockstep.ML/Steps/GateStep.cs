using System.Globalization;
using System.Text.Json.Nodes;
using Lockstep.Errors;
using Lockstep.Pipelines;
using Lockstep.Steps;
using Lockstep.Storage;

namespace Lockstep.ML.Steps;

/// <summary>
/// Stops the pipeline unless the model is good enough: thresholds on metrics and on the profile
/// (e.g. auc: "&gt;= 0.90", latency_p99_ms: "&lt;= 2", bundle_mb: "&lt;= 50"), and optionally "not worse
/// than the model holding an alias" by a margin, read from the registry. A failure names every
/// failed check and by how much.
/// </summary>
public sealed class GateStep : IStepType
{
    private static readonly string[] Operators = [">=", "<=", "==", ">", "<"];

    public StepSignature Signature { get; } = new()
    {
        Type = "gate",
        Description = "Fails the pipeline when metrics or the performance profile miss thresholds, or the model is worse than the one holding an alias.",
        // With compare_to the verdict depends on which model holds the alias now: that registry
        // state joins the cache key (DescribeExternalStateAsync), and reproduce reports the gate
        // instead of requiring the same bytes, since the registry has moved on since the run.
        Deterministic = false,
        Inputs =
        [
            new InputSpec("metrics", true, "the evaluate step's metrics"),
            new InputSpec("profile", false, "the profile step's measurements"),
        ],
        Outputs = [new OutputSpec("verdict", "every check with its threshold, actual value and outcome (JSON)")],
        Parameters =
        [
            ParameterSpec.Opt("checks", ParameterKind.Map, null, "METRIC: \"OP VALUE\", e.g. auc: \">= 0.9\", latency_p99_ms: \"<= 2\", bundle_mb: \"<= 50\""),
            ParameterSpec.Opt("compare_to", ParameterKind.String, null, "a registered model reference, e.g. adult@production: the candidate must not be worse"),
            ParameterSpec.Opt("compare_metrics", ParameterKind.StringList, null, "metrics compared with the reference model (default: the primary metric)"),
            ParameterSpec.Opt("margin", ParameterKind.Number, 0.0, "how much worse than the reference model is still accepted"),
        ],
    };

    public async Task<string?> DescribeExternalStateAsync(StepParameters parameters, IStore store, CancellationToken cancellationToken)
    {
        if (parameters.GetStringOrNull("compare_to") is not { } text || !ModelReference.TryParse(text, out var reference))
        {
            return null;
        }
        var holder = await store.Models.FindAsync(reference, cancellationToken).ConfigureAwait(false);
        return holder is null ? $"{text} = none" : $"{text} = version {holder.Version} ({holder.BundleHash.Short})";
    }

    public IEnumerable<PipelineProblem> Validate(StepDeclaration step, StepParameters parameters)
    {
        foreach (var (metric, node) in parameters.GetMap("checks") ?? [])
        {
            if (!TryParse(node, out _, out _))
            {
                yield return new PipelineProblem(parameters.LocationOf("checks"), $"gate '{step.Id}' check '{metric}: {node?.ToJsonString()}' is not a condition; write e.g. {metric}: \">= 0.9\" (operators {string.Join(" ", Operators)})");
            }
        }
        if (parameters.GetStringOrNull("compare_to") is { } reference && !ModelReference.TryParse(reference, out _))
        {
            yield return new PipelineProblem(parameters.LocationOf("compare_to"), $"gate '{step.Id}': compare_to '{reference}' is not a model reference; write NAME@ALIAS, e.g. adult@production");
        }
        if (!parameters.Has("checks") && !parameters.Has("compare_to"))
        {
            yield return new PipelineProblem(step.Location, $"gate '{step.Id}' has nothing to check; add 'checks:' and/or 'compare_to:'");
        }
    }

    public async Task ExecuteAsync(StepContext context, CancellationToken cancellationToken)
    {
        var paths = new List<string> { context.Input("metrics").Path };
        if (context.Inputs.ContainsKey("profile"))
        {
            paths.Add(context.Input("profile").Path);
        }
        var metrics = await MetricDocuments.ReadAsync(paths, cancellationToken).ConfigureAwait(false);
        var primary = (string?)JsonNode.Parse(await File.ReadAllTextAsync(context.Input("metrics").Path, cancellationToken).ConfigureAwait(false))?["primary_metric"];
        var checks = new List<GateCheck>();
        foreach (var (metric, node) in context.Parameters.GetMap("checks") ?? [])
        {
            TryParse(node, out var op, out var threshold);
            checks.Add(Check(metric, metric, op, threshold, metrics));
        }
        if (context.Parameters.GetStringOrNull("compare_to") is { } text)
        {
            var reference = ModelReference.Parse(text);
            var champion = await context.Store.Models.FindAsync(reference, cancellationToken).ConfigureAwait(false);
            if (champion is null)
            {
                context.Log.WriteLine($"no model holds {reference} yet: the comparison passes");
            }
            else
            {
                var theirs = new SortedDictionary<string, double>(StringComparer.Ordinal);
                MetricDocuments.Flatten(JsonNode.Parse(champion.MetricsJson) as JsonObject, theirs);
                var margin = context.Parameters.GetDoubleOrNull("margin") ?? 0;
                var compared = context.Parameters.GetStringList("compare_metrics");
                foreach (var metric in compared.Count > 0 ? compared : [primary ?? throw new StepInputException("the metrics file names no primary metric; list 'compare_metrics'")])
                {
                    if (!theirs.TryGetValue(metric, out var value))
                    {
                        checks.Add(new GateCheck($"{metric} vs {champion}", metric, "vs", double.NaN, null, false, $"{champion} has no recorded '{metric}'; compare another metric"));
                        continue;
                    }
                    var lower = MetricDocuments.LowerIsBetter(metric);
                    checks.Add(Check($"{metric} vs {champion}", metric, lower ? "<=" : ">=", lower ? value + margin : value - margin, metrics));
                }
            }
        }
        var verdict = new JsonObject
        {
            ["passed"] = checks.All(c => c.Passed),
            ["checks"] = new JsonArray(checks.Select(c => (JsonNode)new JsonObject
            {
                ["name"] = c.Name,
                ["metric"] = c.Metric,
                ["operator"] = c.Operator,
                ["threshold"] = double.IsNaN(c.Threshold) ? null : c.Threshold,
                // Measured values (latency, load time) differ on every run; the verdict keeps only
                // the outcome so that it reproduces bit for bit. The values are in the log.
                ["passed"] = c.Passed,
            }).ToArray()),
        };
        foreach (var c in checks)
        {
            context.Log.WriteLine($"{(c.Passed ? "pass" : "FAIL")}: {c.Detail}");
        }
        var failed = checks.Where(c => !c.Passed).ToList();
        if (failed.Count > 0)
        {
            throw new StepInputException($"the gate failed {failed.Count} of {checks.Count} checks:\n{string.Join("\n", failed.Select(f => "  - " + f.Detail))}\nThe model is not registered. Improve it, or change the thresholds in the gate's 'checks'.");
        }
        await File.WriteAllBytesAsync(context.OutputPath("verdict"), MLJson.ToBytes(verdict), cancellationToken).ConfigureAwait(false);
    }

    private static GateCheck Check(string name, string metric, string op, double threshold, SortedDictionary<string, double> metrics)
    {
        if (!metrics.TryGetValue(metric, out var actual))
        {
            return new GateCheck(name, metric, op, threshold, null, false, $"{name}: there is no metric '{metric}'; known: {string.Join(", ", metrics.Keys)}");
        }
        var passed = op switch
        {
            ">=" => actual >= threshold,
            ">" => actual > threshold,
            "<=" => actual <= threshold,
            "<" => actual < threshold,
            _ => actual == threshold,
        };
        var by = Math.Abs(actual - threshold);
        var detail = $"{name}: {F(actual)} {(passed ? "meets" : "misses")} {op} {F(threshold)} {(passed ? "with" : "by")} {F(by)}";
        return new GateCheck(name, metric, op, threshold, actual, passed, detail);
    }

    private static bool TryParse(JsonNode? node, out string op, out double threshold)
    {
        op = ">=";
        threshold = 0;
        if (JsonNumbers.TryGet(node, out threshold) && (node as JsonValue)?.TryGetValue<string>(out _) != true)
        {
            return true;
        }
        var text = (node as JsonValue)?.TryGetValue<string>(out var s) == true ? s.Trim() : null;
        if (text is null)
        {
            return false;
        }
        foreach (var candidate in Operators)
        {
            if (text.StartsWith(candidate, StringComparison.Ordinal))
            {
                op = candidate;
                return double.TryParse(text[candidate.Length..].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out threshold);
            }
        }
        return false;
    }

    private static string F(double v) => v.ToString("0.#####", CultureInfo.InvariantCulture);
}
