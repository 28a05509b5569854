using System.Text.Json.Nodes;
using Lockstep.Errors;
using Lockstep.Hashing;

namespace Lockstep.Pipelines;

/// <summary>
/// A pipeline: a DAG of steps plus shared parameters, a seed and plugin libraries. Produced by
/// <see cref="PipelineLoader"/> from YAML, or from the resolved JSON a run recorded.
/// </summary>
public sealed record PipelineDefinition
{
    public const int FormatVersion = 1;

    public required string Name { get; init; }
    /// <summary>The file it was read from, for messages.</summary>
    public required string SourceFile { get; init; }
    public long? Seed { get; init; }
    public SourceLocation? SeedLocation { get; init; }
    public IReadOnlyDictionary<string, ParameterValue> Parameters { get; init; } = new Dictionary<string, ParameterValue>();
    public IReadOnlyList<StepDeclaration> Steps { get; init; } = [];
    /// <summary>Class libraries (workspace-relative paths) whose step types this pipeline uses.</summary>
    public IReadOnlyList<string> Plugins { get; init; } = [];

    /// <summary>The resolved pipeline as a JSON document: what a run records and what reproduce re-reads.</summary>
    public JsonObject ToJson()
    {
        var steps = new JsonArray();
        foreach (var step in Steps)
        {
            var inputs = new JsonObject();
            foreach (var input in step.Inputs)
            {
                inputs[input.Name] = input.Source;
            }
            var parameters = new JsonObject();
            foreach (var name in SortedKeys(step.Parameters))
            {
                parameters[name] = step.Parameters[name].Value?.DeepClone();
            }
            var node = new JsonObject
            {
                ["id"] = step.Id,
                ["type"] = step.Type,
                ["inputs"] = inputs,
                ["params"] = parameters,
            };
            if (step.Outputs is not null)
            {
                node["outputs"] = new JsonArray(step.Outputs.Select(o => (JsonNode?)JsonValue.Create(o.Name)).ToArray());
            }
            steps.Add(node);
        }
        var shared = new JsonObject();
        foreach (var name in SortedKeys(Parameters))
        {
            shared[name] = Parameters[name].Value?.DeepClone();
        }
        return new JsonObject
        {
            ["version"] = FormatVersion,
            ["name"] = Name,
            ["seed"] = Seed,
            ["plugins"] = new JsonArray(Plugins.Select(p => (JsonNode?)JsonValue.Create(p)).ToArray()),
            ["params"] = shared,
            ["steps"] = steps,
        };
    }

    public string ToCanonicalJson() => CanonicalJson.Serialize(ToJson());

    /// <summary>
    /// The keys in ordinal order, sorted as a string array: a LINQ sort over the dictionary's
    /// key/value structs is generic code over a struct that no precompiled image holds, and every
    /// run records its pipeline (≈ 6 JIT-compiled methods per run).
    /// </summary>
    private static string[] SortedKeys(IReadOnlyDictionary<string, ParameterValue> parameters)
    {
        var keys = new string[parameters.Count];
        var i = 0;
        foreach (var key in parameters.Keys)
        {
            keys[i++] = key;
        }
        Array.Sort(keys, StringComparer.Ordinal);
        return keys;
    }

    /// <summary>Reads back what <see cref="ToJson"/> wrote (a run's recorded configuration).</summary>
    public static PipelineDefinition FromJson(string json, string sourceDescription)
    {
        var root = JsonNode.Parse(json)?.AsObject() ?? throw new PipelineException(null, $"{sourceDescription}: the recorded configuration is empty");
        var version = Integer(root["version"]) ?? 0;
        if (version != FormatVersion)
        {
            throw new PipelineException(null, $"{sourceDescription}: recorded configuration format {version} is not one this Lockstep reads (it reads {FormatVersion})");
        }
        var steps = new List<StepDeclaration>();
        foreach (var node in root["steps"]!.AsArray())
        {
            var step = node!.AsObject();
            steps.Add(new StepDeclaration
            {
                Id = step["id"]!.GetValue<string>(),
                Type = step["type"]!.GetValue<string>(),
                Inputs = Inputs(step["inputs"]!.AsObject()),
                Outputs = step["outputs"]?.AsArray().Select(o => new OutputDeclaration(o!.GetValue<string>(), null)).ToList(),
                Parameters = step["params"]!.AsObject().ToDictionary(p => p.Key, p => new ParameterValue(p.Value?.DeepClone(), null)),
            });
        }
        return new PipelineDefinition
        {
            Name = root["name"]!.GetValue<string>(),
            SourceFile = sourceDescription,
            Seed = Integer(root["seed"]),
            Plugins = root["plugins"]?.AsArray().Select(p => p!.GetValue<string>()).ToList() ?? [],
            Parameters = root["params"]!.AsObject().ToDictionary(p => p.Key, p => new ParameterValue(p.Value?.DeepClone(), null)),
            Steps = steps,
        };
    }

    // Loops and the number's text rather than LINQ over the object's key-value pairs and
    // GetValue<int/long>: both are generic code over structs that the precompiled image lacks,
    // and a cached run reads its pipeline through here (≈ 10 methods JIT-compiled per run).
    private static List<InputDeclaration> Inputs(JsonObject inputs)
    {
        var list = new List<InputDeclaration>(inputs.Count);
        foreach (var (name, value) in inputs)
        {
            list.Add(new InputDeclaration(name, value!.GetValue<string>(), null));
        }
        return list;
    }

    private static long? Integer(JsonNode? node) =>
        node is null ? null
        : node.GetValueKind() == System.Text.Json.JsonValueKind.Number ? long.Parse(node.ToJsonString(), System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture)
        : throw new InvalidOperationException($"expected an integer, found {node.ToJsonString()}");
}
