using System.Text.Json.Nodes;
using Lockstep.Hashing;
using Lockstep.Storage;

namespace Lockstep.Running;

/// <summary>
/// A step's cache key: the hash of a canonical document holding its type, code identity,
/// parameters, input hashes, output names, environment and (for seeded steps) seed. The document
/// itself is recorded so a later run can say what changed.
/// </summary>
public sealed record CacheKey(string Key, JsonObject Document)
{
    public static CacheKey Create(string type, string code, JsonObject parameters, IEnumerable<ArtifactBinding> inputs, IEnumerable<string> outputs, string environmentJson, long? seed, string? externalState = null)
    {
        // Bindings (a class), sorted through a string array, rather than LINQ over (name, hash)
        // tuples: generic code over a struct of our own is not in the precompiled image, so each
        // such enumerator or sort cost a fully cached run its JIT time.
        var byName = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var input in inputs)
        {
            byName[input.Name] = input.Hash.Hex;
        }
        var names = byName.Keys.ToArray();
        Array.Sort(names, StringComparer.Ordinal);
        var inputDoc = new JsonObject();
        foreach (var name in names)
        {
            inputDoc[name] = byName[name];
        }
        var doc = new JsonObject
        {
            ["type"] = type,
            ["code"] = code,
            ["params"] = parameters,
            ["inputs"] = inputDoc,
            ["outputs"] = new JsonArray(outputs.Order(StringComparer.Ordinal).Select(o => (JsonNode?)JsonValue.Create(o)).ToArray()),
            ["env"] = JsonNode.Parse(environmentJson),
            ["seed"] = seed,
        };
        if (externalState is not null)
        {
            doc["external"] = externalState;
        }
        return new CacheKey(CanonicalJson.Hash(doc).Hex, doc);
    }

    /// <summary>What differs between an earlier key document and this one, one phrase per change, for a person.</summary>
    public static IReadOnlyList<string> Explain(JsonObject previous, JsonObject current)
    {
        var reasons = new List<string>();
        if (Text(previous["type"]) != Text(current["type"]))
        {
            reasons.Add($"step type changed {Text(previous["type"])} → {Text(current["type"])}");
        }
        if (Text(previous["code"]) != Text(current["code"]))
        {
            reasons.Add($"code of step type changed ({ShortCode(previous["code"])} → {ShortCode(current["code"])})");
        }
        Compare(previous["params"] as JsonObject, current["params"] as JsonObject, "parameter", v => Show(v), reasons);
        Compare(previous["inputs"] as JsonObject, current["inputs"] as JsonObject, "input", v => Short(v), reasons);
        if (Text(previous["outputs"]) != Text(current["outputs"]))
        {
            reasons.Add($"declared outputs changed {Text(previous["outputs"])} → {Text(current["outputs"])}");
        }
        var pe = previous["env"] as JsonObject;
        var ce = current["env"] as JsonObject;
        foreach (var field in new[] { "runtime", "os", "arch" })
        {
            if (Text(pe?[field]) != Text(ce?[field]))
            {
                reasons.Add($"environment {field} changed {Text(pe?[field])} → {Text(ce?[field])}");
            }
        }
        Compare(pe?["packages"] as JsonObject, ce?["packages"] as JsonObject, "package", v => Text(v), reasons);
        if (Text(previous["external"]) != Text(current["external"]))
        {
            reasons.Add($"external state changed: {Text(previous["external"])} → {Text(current["external"])}");
        }
        if (Text(previous["seed"]) != Text(current["seed"]))
        {
            reasons.Add($"seed changed {Text(previous["seed"])} → {Text(current["seed"])}");
        }
        return reasons;
    }

    private static void Compare(JsonObject? before, JsonObject? after, string what, Func<JsonNode?, string> show, List<string> reasons)
    {
        before ??= [];
        after ??= [];
        foreach (var name in before.Select(p => p.Key).Union(after.Select(p => p.Key)).Order(StringComparer.Ordinal))
        {
            var had = before.TryGetPropertyValue(name, out var b);
            var has = after.TryGetPropertyValue(name, out var a);
            if (had && !has)
            {
                reasons.Add($"{what} {name} removed (was {show(b)})");
            }
            else if (!had && has)
            {
                reasons.Add($"{what} {name} added ({show(a)})");
            }
            else if (CanonicalJson.Serialize(b) != CanonicalJson.Serialize(a))
            {
                reasons.Add($"{what} {name} changed {show(b)} → {show(a)}");
            }
        }
    }

    private static string Text(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : node is null ? "none" : CanonicalJson.Serialize(node);

    private static string Show(JsonNode? node) => node is null ? "null" : CanonicalJson.Serialize(node);

    private static string Short(JsonNode? node) => Text(node) is { Length: 64 } hex ? hex[..12] : Text(node);

    private static string ShortCode(JsonNode? node)
    {
        var text = Text(node);
        var at = text.LastIndexOf('@');
        return at >= 0 && text.Length - at > 12 ? text[(at + 1)..(at + 13)] : text;
    }
}
