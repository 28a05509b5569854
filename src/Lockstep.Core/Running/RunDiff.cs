using System.Globalization;
using System.Text.Json.Nodes;
using Lockstep.Hashing;
using Lockstep.Storage;

namespace Lockstep.Running;

/// <summary>One difference between two runs: its area, what, and the two values.</summary>
public sealed record RunDifference(string Area, string What, string? Before, string? After);

/// <summary>What differs between two runs: configuration, data (input hashes), code identity, environment, source, outputs and metrics.</summary>
public static class RunDiff
{
    public static IReadOnlyList<RunDifference> Compare(RunRecord a, IReadOnlyList<StepRunRecord> stepsA, RunRecord b, IReadOnlyList<StepRunRecord> stepsB)
    {
        var result = new List<RunDifference>();
        Flat("config", JsonNode.Parse(a.ConfigJson), JsonNode.Parse(b.ConfigJson), result);
        var envA = JsonNode.Parse(a.EnvironmentJson)!.AsObject();
        var envB = JsonNode.Parse(b.EnvironmentJson)!.AsObject();
        envA.Remove("assemblies");
        envB.Remove("assemblies");
        Flat("environment", envA, envB, result);
        Flat("source", JsonNode.Parse(a.SourceJson), JsonNode.Parse(b.SourceJson), result);

        var byIdA = stepsA.ToDictionary(s => s.StepId, StringComparer.Ordinal);
        var byIdB = stepsB.ToDictionary(s => s.StepId, StringComparer.Ordinal);
        foreach (var id in byIdA.Keys.Union(byIdB.Keys).Order(StringComparer.Ordinal))
        {
            byIdA.TryGetValue(id, out var sa);
            byIdB.TryGetValue(id, out var sb);
            if (sa is null || sb is null)
            {
                result.Add(new RunDifference("steps", id, sa is null ? null : "present", sb is null ? null : "present"));
                continue;
            }
            if (sa.CodeIdentity != sb.CodeIdentity)
            {
                result.Add(new RunDifference("code", $"{id} ({sa.Type})", sa.CodeIdentity, sb.CodeIdentity));
            }
            foreach (var name in sa.Inputs.Select(i => i.Name).Union(sb.Inputs.Select(i => i.Name)).Order(StringComparer.Ordinal))
            {
                var ia = sa.Inputs.FirstOrDefault(i => i.Name == name);
                var ib = sb.Inputs.FirstOrDefault(i => i.Name == name);
                if (ia?.Hash != ib?.Hash)
                {
                    result.Add(new RunDifference("data", $"{id}.{name} ← {ib?.Source ?? ia?.Source}", ia?.Hash.Short, ib?.Hash.Short));
                }
            }
            foreach (var name in sa.Outputs.Select(i => i.Name).Union(sb.Outputs.Select(i => i.Name)).Order(StringComparer.Ordinal))
            {
                var oa = sa.Outputs.FirstOrDefault(i => i.Name == name);
                var ob = sb.Outputs.FirstOrDefault(i => i.Name == name);
                if (oa?.Hash != ob?.Hash)
                {
                    result.Add(new RunDifference("outputs", $"{id}.{name}", oa?.Hash.Short, ob?.Hash.Short));
                }
            }
            foreach (var metric in sa.Metrics.Keys.Union(sb.Metrics.Keys).Order(StringComparer.Ordinal))
            {
                var has1 = sa.Metrics.TryGetValue(metric, out var m1);
                var has2 = sb.Metrics.TryGetValue(metric, out var m2);
                if (has1 != has2 || m1 != m2)
                {
                    var delta = has1 && has2 ? $" (Δ {(m2 - m1).ToString("+0.######;-0.######", CultureInfo.InvariantCulture)})" : "";
                    result.Add(new RunDifference("metrics", $"{id}.{metric}", has1 ? Num(m1) : null, has2 ? Num(m2) + delta : null));
                }
            }
        }
        return result;
    }

    private static string Num(double d) => d.ToString("0.######", CultureInfo.InvariantCulture);

    private static void Flat(string area, JsonNode? a, JsonNode? b, List<RunDifference> result)
    {
        var fa = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var fb = new SortedDictionary<string, string>(StringComparer.Ordinal);
        Flatten("", a, fa);
        Flatten("", b, fb);
        foreach (var key in fa.Keys.Union(fb.Keys).Order(StringComparer.Ordinal))
        {
            fa.TryGetValue(key, out var va);
            fb.TryGetValue(key, out var vb);
            if (va != vb)
            {
                result.Add(new RunDifference(area, key, va, vb));
            }
        }
    }

    private static void Flatten(string prefix, JsonNode? node, IDictionary<string, string> into)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (k, child) in obj)
                {
                    Flatten(prefix.Length == 0 ? k : $"{prefix}.{k}", child, into);
                }
                break;
            case JsonArray arr when prefix.EndsWith("steps", StringComparison.Ordinal):
                foreach (var item in arr)
                {
                    var id = item?["id"]?.GetValue<string>() ?? "?";
                    Flatten($"{prefix}.{id}", item, into);
                }
                break;
            default:
                into[prefix] = node is JsonValue v && v.TryGetValue<string>(out var s) ? s : CanonicalJson.Serialize(node);
                break;
        }
    }
}
