using System.Text;
using System.Text.Json.Nodes;

namespace Lockstep.ML.Steps;

/// <summary>
/// Reads metric files into one flat name → value map with snake_case names: evaluate's metrics
/// ("auc", "rmse", …) and the profile ("latency_p99_ms", "bundle_mb", …). Gates and the registry
/// use the same names.
/// </summary>
internal static class MetricDocuments
{
    public static async Task<SortedDictionary<string, double>> ReadAsync(IEnumerable<string> paths, CancellationToken cancellationToken)
    {
        var result = new SortedDictionary<string, double>(StringComparer.Ordinal);
        foreach (var path in paths)
        {
            var node = JsonNode.Parse(await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false));
            Flatten(node?["metrics"] as JsonObject ?? node as JsonObject, result);
        }
        return result;
    }

    public static void Flatten(JsonObject? source, SortedDictionary<string, double> into)
    {
        foreach (var (name, value) in source ?? [])
        {
            if (JsonNumbers.TryGet(value, out var d))
            {
                into[Snake(name)] = d;
            }
        }
    }

    public static JsonObject ToJson(SortedDictionary<string, double> metrics)
    {
        var o = new JsonObject();
        foreach (var (k, v) in metrics)
        {
            o[k] = v;
        }
        return o;
    }

    /// <summary>True for metrics where smaller is better (errors, losses, times, sizes).</summary>
    public static bool LowerIsBetter(string metric) =>
        metric is "rmse" or "mae" or "mse" or "log_loss" or "rows_without_label"
        || metric.EndsWith("_ms", StringComparison.Ordinal) || metric.EndsWith("_mb", StringComparison.Ordinal)
        || metric.EndsWith("_bytes", StringComparison.Ordinal) || metric.EndsWith("_per_prediction", StringComparison.Ordinal);

    private static string Snake(string name)
    {
        var sb = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c))
            {
                if (i > 0 && name[i - 1] != '_')
                {
                    sb.Append('_');
                }
                sb.Append(char.ToLowerInvariant(c));
            }
            else
            {
                sb.Append(c);
            }
        }
        return sb.ToString();
    }
}
