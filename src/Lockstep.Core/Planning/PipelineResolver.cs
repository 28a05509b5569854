using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Lockstep.Errors;
using Lockstep.Pipelines;

namespace Lockstep.Planning;

/// <summary>
/// Applies command-line overrides (<c>--set step.param=value</c>, <c>--set params.name=value</c>,
/// <c>--set seed=7</c>) and substitutes <c>${params.NAME}</c> references. A reference that is the
/// whole value keeps the shared parameter's type; one inside a longer string is spliced in as text.
/// </summary>
public static partial class PipelineResolver
{
    public static PipelineDefinition Resolve(PipelineDefinition pipeline, IReadOnlyList<string> overrides)
    {
        var problems = new List<PipelineProblem>();
        var shared = pipeline.Parameters.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        // Duplicate ids are the planner's to report; --set reaches the first declaration of an id,
        // but each declaration keeps its own parameters (sharing the first one's table made every
        // problem in it appear once per duplicate).
        var declared = pipeline.Steps.Select(s => s.Parameters.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal)).ToList();
        var steps = new Dictionary<string, Dictionary<string, ParameterValue>>(StringComparer.Ordinal);
        for (var i = 0; i < pipeline.Steps.Count; i++)
        {
            steps.TryAdd(pipeline.Steps[i].Id, declared[i]);
        }
        var seed = pipeline.Seed;
        var seedLocation = pipeline.SeedLocation;

        foreach (var item in overrides)
        {
            var eq = item.IndexOf('=', StringComparison.Ordinal);
            var dot = item.IndexOf('.', StringComparison.Ordinal);
            var cli = new SourceLocation("--set " + item, 0, 0);
            if (eq <= 0)
            {
                problems.Add(new PipelineProblem(null, $"--set '{item}': write it as STEP.PARAM=VALUE (e.g. train.learning_rate=0.05), params.NAME=VALUE or seed=N"));
                continue;
            }
            var target = item[..eq];
            var value = YamlScalars.ParsePlain(item[(eq + 1)..]);
            if (target == "seed")
            {
                if (value is JsonValue v && v.TryGetValue<long>(out var s) && s >= 0)
                {
                    seed = s;
                    seedLocation = cli;
                }
                else
                {
                    problems.Add(new PipelineProblem(null, $"--set '{item}': the seed must be a non-negative integer"));
                }
                continue;
            }
            if (dot <= 0 || dot > eq)
            {
                problems.Add(new PipelineProblem(null, $"--set '{item}': name a step and a parameter, e.g. train.learning_rate=0.05, or params.NAME=VALUE"));
                continue;
            }
            var scope = target[..dot];
            var name = target[(dot + 1)..];
            if (scope == "params")
            {
                shared[name] = new ParameterValue(value, cli);
            }
            else if (steps.TryGetValue(scope, out var stepParams))
            {
                stepParams[name] = new ParameterValue(value, cli);
            }
            else
            {
                problems.Add(new PipelineProblem(null, $"--set '{item}': the pipeline has no step '{scope}'.{Suggest.DidYouMean(scope, steps.Keys.Append("params"))} Steps: {Suggest.List(steps.Keys)}."));
            }
        }

        var resolvedSteps = new List<StepDeclaration>();
        foreach (var (step, parameters) in pipeline.Steps.Zip(declared))
        {
            var resolved = new Dictionary<string, ParameterValue>(StringComparer.Ordinal);
            foreach (var (name, value) in parameters)
            {
                resolved[name] = new ParameterValue(Substitute(value.Value, shared, value.Location, problems), value.Location);
            }
            resolvedSteps.Add(step with { Parameters = resolved });
        }
        if (problems.Count > 0)
        {
            throw new PipelineException(problems);
        }
        return pipeline with { Seed = seed, SeedLocation = seedLocation, Parameters = shared, Steps = resolvedSteps };
    }

    private static JsonNode? Substitute(JsonNode? node, Dictionary<string, ParameterValue> shared, SourceLocation? at, List<PipelineProblem> problems)
    {
        switch (node)
        {
            case JsonObject obj:
                var o = new JsonObject();
                foreach (var (k, v) in obj)
                {
                    o[k] = Substitute(v, shared, at, problems);
                }
                return o;
            case JsonArray array:
                return new JsonArray(array.Select(v => Substitute(v, shared, at, problems)).ToArray());
            case JsonValue value when value.TryGetValue<string>(out var text) && text.Contains("${params.", StringComparison.Ordinal):
                var whole = Reference().Match(text);
                if (whole.Success && whole.Length == text.Length)
                {
                    return Lookup(whole.Groups[1].Value, shared, at, problems)?.DeepClone();
                }
                return JsonValue.Create(Reference().Replace(text, m =>
                {
                    var v = Lookup(m.Groups[1].Value, shared, at, problems);
                    return v is JsonValue jv && jv.TryGetValue<string>(out var s) ? s : v?.ToJsonString() ?? "";
                }));
            default:
                return node?.DeepClone();
        }
    }

    private static JsonNode? Lookup(string name, Dictionary<string, ParameterValue> shared, SourceLocation? at, List<PipelineProblem> problems)
    {
        if (shared.TryGetValue(name, out var value))
        {
            return value.Value;
        }
        problems.Add(new PipelineProblem(at, $"'${{params.{name}}}' refers to a shared parameter that is not declared; add '{name}: VALUE' under the top-level 'params:'.{Suggest.DidYouMean(name, shared.Keys)}"));
        return null;
    }

    [GeneratedRegex(@"\$\{params\.([A-Za-z0-9_.-]+)\}")]
    private static partial Regex Reference();
}
