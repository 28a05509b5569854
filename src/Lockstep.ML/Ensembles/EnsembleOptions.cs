using System.Text.Json.Nodes;

namespace Lockstep.ML.Ensembles;

/// <summary>
/// The tune step's <c>ensemble: {method: average|stacking, top_k: 3}</c>: combine the best
/// <see cref="TopK"/> trials instead of keeping only the best one.
/// </summary>
public sealed record EnsembleOptions(string Method, int TopK)
{
    public const int DefaultTopK = 3;

    /// <summary>Reads the mapping, or returns the mistakes in it (each a sentence saying what to write instead).</summary>
    public static EnsembleOptions? Parse(JsonObject? map, out IReadOnlyList<string> problems)
    {
        var found = new List<string>();
        problems = found;
        if (map is null)
        {
            return null;
        }
        foreach (var key in map.Select(p => p.Key).Where(k => k is not ("method" or "top_k")))
        {
            found.Add($"ensemble.{key} is unknown; write ensemble: {{method: average, top_k: 3}} (keys: method, top_k)");
        }
        var method = map["method"] is JsonValue m && m.TryGetValue<string>(out var s) ? s : null;
        if (method is null)
        {
            found.Add($"ensemble.method is required: {string.Join(" or ", EnsembleMethod.All)}");
        }
        else if (!EnsembleMethod.All.Contains(method))
        {
            found.Add($"ensemble.method '{method}' is not one of {string.Join(", ", EnsembleMethod.All)}");
        }
        var topK = DefaultTopK;
        if (map["top_k"] is { } node)
        {
            if (!JsonNumbers.TryGet(node, out var k) || k != Math.Floor(k) || k < 2 || k > 100)
            {
                found.Add($"ensemble.top_k must be a whole number from 2 to 100 (how many of the best trials to combine), not {node.ToJsonString()}");
            }
            else
            {
                topK = (int)k;
            }
        }
        return found.Count == 0 ? new EnsembleOptions(method!, topK) : null;
    }
}
