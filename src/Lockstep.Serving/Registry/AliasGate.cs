using System.Globalization;
using System.Text.Json.Nodes;
using Lockstep.Storage;

namespace Lockstep.Serving.Registry;

/// <summary>
/// The check before an alias moves: the candidate's metric must be at least as good as the
/// current holder's, within a margin. Lower is better for losses and errors (names containing
/// loss, error, rmse, mae, mse), higher for everything else (auc, accuracy, f1, r2).
/// </summary>
public static class AliasGate
{
    public static AliasGateResult Check(ModelVersion candidate, ModelVersion? holder, string metric, double margin)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        if (holder is null)
        {
            return new AliasGateResult(true, $"no version holds the alias yet: {candidate} passes");
        }
        var mine = Find(candidate.MetricsJson, metric);
        var theirs = Find(holder.MetricsJson, metric);
        if (mine is null)
        {
            return new AliasGateResult(false, $"{candidate} has no recorded metric '{metric}'; gate on a metric both versions have (see 'lockstep models show')");
        }
        if (theirs is null)
        {
            return new AliasGateResult(false, $"{holder} (the current holder) has no recorded metric '{metric}'; gate on another metric");
        }
        var lower = LowerIsBetter(metric);
        var passed = lower ? mine <= theirs + margin : mine >= theirs - margin;
        var detail = string.Create(CultureInfo.InvariantCulture,
            $"{metric}: {candidate} has {mine:0.#####}, {holder} has {theirs:0.#####} ({(lower ? "lower" : "higher")} is better, margin {margin:0.#####})");
        return new AliasGateResult(passed, detail);
    }

    public static bool LowerIsBetter(string metric)
    {
        ArgumentNullException.ThrowIfNull(metric);
        var m = metric.ToLowerInvariant();
        return m.Contains("loss", StringComparison.Ordinal) || m.Contains("error", StringComparison.Ordinal)
            || m.Contains("rmse", StringComparison.Ordinal) || m.Contains("mae", StringComparison.Ordinal) || m.EndsWith("mse", StringComparison.Ordinal);
    }

    /// <summary>A metric by name, directly or as the last segment of a nested key (e.g. "test.auc" for "auc").</summary>
    private static double? Find(string metricsJson, string metric)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(metricsJson);
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
        var flat = new SortedDictionary<string, double>(StringComparer.Ordinal);
        Flatten(root, "", flat);
        if (flat.TryGetValue(metric, out var exact))
        {
            return exact;
        }
        var suffix = flat.Where(kv => kv.Key.EndsWith("." + metric, StringComparison.Ordinal)).ToList();
        return suffix.Count == 1 ? suffix[0].Value : null;
    }

    private static void Flatten(JsonNode? node, string prefix, SortedDictionary<string, double> into)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (k, v) in o)
                {
                    Flatten(v, prefix.Length == 0 ? k : prefix + "." + k, into);
                }
                break;
            case JsonValue v when v.TryGetValue<double>(out var d):
                into[prefix] = d;
                break;
        }
    }
}
