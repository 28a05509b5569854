using System.Text.Json.Nodes;
using Lockstep.Errors;
using Lockstep.Pipelines;
using Lockstep.Steps;

namespace Lockstep.Planning;

/// <summary>
/// Plan before run: checks the whole pipeline — step types, parameters, inputs, outputs, duplicate
/// ids, cycles, missing files — and reports every problem with its file, line and column before
/// any step executes.
/// </summary>
public static class Planner
{
    /// <param name="checkExternalFiles">False when external inputs come from a recorded run's objects (reproduce), not from the files.</param>
    public static ExecutionPlan Plan(PipelineDefinition pipeline, StepTypeRegistry registry, string workspaceRoot, bool checkExternalFiles = true)
    {
        var problems = new List<PipelineProblem>();
        var warnings = new List<string>();
        var declared = new Dictionary<string, StepDeclaration>(StringComparer.Ordinal);
        foreach (var step in pipeline.Steps)
        {
            if (!declared.TryAdd(step.Id, step))
            {
                problems.Add(new PipelineProblem(step.Location, $"step id '{step.Id}' is used twice (first at {declared[step.Id].Location?.ToString() ?? "?"}); give each step its own id"));
            }
        }

        var types = new Dictionary<string, IStepType>(StringComparer.Ordinal);
        var outputsOf = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var step in declared.Values)
        {
            if (!registry.TryGet(step.Type, out var type))
            {
                problems.Add(new PipelineProblem(step.TypeLocation ?? step.Location,
                    $"step '{step.Id}' has unknown type '{step.Type}'.{Suggest.DidYouMean(step.Type, registry.Names)} Known types: {Suggest.List(registry.Names)}; a type of your own needs its library under 'plugins:'."));
                continue;
            }
            types[step.Id] = type;
            outputsOf[step.Id] = ResolveOutputs(step, type.Signature, problems);
        }

        var planned = new Dictionary<string, PlannedStep>(StringComparer.Ordinal);
        foreach (var step in declared.Values)
        {
            if (!types.TryGetValue(step.Id, out var type))
            {
                continue;
            }
            var parameters = CheckParameters(step, type.Signature, problems);
            foreach (var problem in type.Validate(step, parameters))
            {
                problems.Add(problem);
            }
            var inputs = ResolveInputs(step, type.Signature, declared, outputsOf, workspaceRoot, checkExternalFiles, problems);
            var dependsOn = inputs.OfType<StepOutputSource>().Select(i => i.StepId).Distinct().Order(StringComparer.Ordinal).ToList();
            if (!type.Signature.Deterministic)
            {
                warnings.Add($"step '{step.Id}' ({step.Type}) is not deterministic: the same inputs may give different bytes, so reproduce can only say it diverged");
            }
            planned[step.Id] = new PlannedStep(step, type, parameters, inputs, outputsOf[step.Id], dependsOn);
        }

        var order = problems.Count == 0 ? TopologicalOrder(pipeline, planned, problems) : [];
        if (problems.Count > 0)
        {
            throw new PipelineException(problems);
        }
        return new ExecutionPlan(pipeline, order, warnings, workspaceRoot);
    }

    private static List<string> ResolveOutputs(StepDeclaration step, StepSignature signature, List<PipelineProblem> problems)
    {
        if (signature.DeclaredOutputs)
        {
            return step.Outputs?.Select(o => o.Name).ToList() ?? [];
        }
        var known = signature.Outputs.Select(o => o.Name).ToList();
        foreach (var output in step.Outputs ?? [])
        {
            if (!known.Contains(output.Name))
            {
                problems.Add(new PipelineProblem(output.Location,
                    $"step '{step.Id}' ({step.Type}) has no output '{output.Name}'.{Suggest.DidYouMean(output.Name, known)} Its outputs are {Suggest.List(known)}; you may leave 'outputs:' out."));
            }
        }
        return known;
    }

    private static StepParameters CheckParameters(StepDeclaration step, StepSignature signature, List<PipelineProblem> problems)
    {
        var specs = signature.Parameters.ToDictionary(p => p.Name, StringComparer.Ordinal);
        var values = new Dictionary<string, ParameterValue>(StringComparer.Ordinal);
        foreach (var (name, value) in step.Parameters)
        {
            if (!specs.TryGetValue(name, out var spec))
            {
                problems.Add(new PipelineProblem(value.Location ?? step.Location,
                    $"step '{step.Id}' ({step.Type}) has no parameter '{name}'.{Suggest.DidYouMean(name, specs.Keys)} It takes {(specs.Count == 0 ? "no parameters" : Suggest.List(specs.Keys))}."));
                continue;
            }
            if (value.Value is not null && KindError(spec, value.Value) is { } error)
            {
                problems.Add(new PipelineProblem(value.Location ?? step.Location, $"step '{step.Id}' parameter '{name}' {error}"));
                continue;
            }
            values[name] = value;
        }
        foreach (var spec in signature.Parameters)
        {
            if (values.TryGetValue(spec.Name, out var v) && v.Value is not null)
            {
                continue;
            }
            if (spec.Required)
            {
                if (!step.Parameters.ContainsKey(spec.Name) || step.Parameters[spec.Name].Value is null)
                {
                    problems.Add(new PipelineProblem(step.Location, $"step '{step.Id}' ({step.Type}) needs parameter '{spec.Name}' ({spec.Description}); add it under 'params:'"));
                }
            }
            else if (spec.Default is not null)
            {
                values[spec.Name] = new ParameterValue(spec.Default.DeepClone(), null);
            }
        }
        return new StepParameters(step.Id, values);
    }

    /// <summary>Null when <paramref name="value"/> fits the spec, otherwise what is wrong, phrased to follow the parameter's name.</summary>
    internal static string? KindError(ParameterSpec spec, JsonNode value)
    {
        var ok = spec.Kind switch
        {
            ParameterKind.String => value is JsonValue s && s.TryGetValue<string>(out _),
            ParameterKind.Integer => JsonNumbers.TryGetInt64(value, out _),
            ParameterKind.Number => JsonNumbers.TryGetDouble(value, out _),
            ParameterKind.Boolean => value is JsonValue b && b.TryGetValue<bool>(out _),
            ParameterKind.StringList => value is JsonArray a && a.All(x => x is JsonValue xv && xv.TryGetValue<string>(out _)),
            ParameterKind.Map => value is JsonObject,
            ParameterKind.List => value is JsonArray,
            _ => true,
        };
        if (!ok)
        {
            var expected = spec.Kind switch
            {
                ParameterKind.String => "text (quote it if it looks like a number)",
                ParameterKind.Integer => "an integer",
                ParameterKind.Number => "a number",
                ParameterKind.Boolean => "true or false",
                ParameterKind.StringList => "a list of text values, e.g. [a, b]",
                ParameterKind.Map => "a mapping of names to values",
                ParameterKind.List => "a list",
                _ => "a value",
            };
            return $"must be {expected}, not {value.ToJsonString()}";
        }
        if (spec.Choices is { } choices && value is JsonValue cv && cv.TryGetValue<string>(out var choice) && !choices.Contains(choice))
        {
            return $"is '{choice}', which is not one of {Suggest.List(choices)}.{Suggest.DidYouMean(choice, choices)}";
        }
        return null;
    }

    private static List<InputSource> ResolveInputs(
        StepDeclaration step,
        StepSignature signature,
        Dictionary<string, StepDeclaration> declared,
        Dictionary<string, IReadOnlyList<string>> outputsOf,
        string workspaceRoot,
        bool checkExternalFiles,
        List<PipelineProblem> problems)
    {
        var result = new List<InputSource>();
        var known = signature.Inputs.Select(i => i.Name).ToList();
        foreach (var input in step.Inputs)
        {
            if (!signature.AnyInputs && !known.Contains(input.Name))
            {
                problems.Add(new PipelineProblem(input.Location,
                    $"step '{step.Id}' ({step.Type}) has no input '{input.Name}'.{Suggest.DidYouMean(input.Name, known)} Its inputs are {Suggest.List(known)}."));
                continue;
            }
            var dot = input.Source.IndexOf('.', StringComparison.Ordinal);
            var producer = dot > 0 ? input.Source[..dot] : null;
            if (producer is not null && !input.Source.Contains('/', StringComparison.Ordinal) && declared.ContainsKey(producer))
            {
                var output = input.Source[(dot + 1)..];
                if (producer == step.Id)
                {
                    problems.Add(new PipelineProblem(input.Location, $"step '{step.Id}' reads its own output '{output}'; a step can only read outputs of other steps.{FileHint(workspaceRoot, input.Source)}"));
                }
                else if (outputsOf.TryGetValue(producer, out var outputs) && !outputs.Contains(output))
                {
                    problems.Add(new PipelineProblem(input.Location,
                        $"step '{step.Id}' input '{input.Name}' reads '{input.Source}', but step '{producer}' has no output '{output}'.{Suggest.DidYouMean(output, outputs)} Its outputs: {Suggest.List(outputs)}.{FileHint(workspaceRoot, input.Source)}"));
                }
                result.Add(new StepOutputSource(input.Name, input.Source, producer, output));
                continue;
            }
            var full = Path.GetFullPath(Path.Combine(workspaceRoot, input.Source));
            if (checkExternalFiles && !File.Exists(full))
            {
                var hint = producer is not null && !input.Source.Contains('/', StringComparison.Ordinal)
                    ? $" If you meant the output of a step, there is no step '{producer}'.{Suggest.DidYouMean(producer, declared.Keys)}"
                    : Directory.Exists(full) ? " It is a folder; inputs are single files." : "";
                problems.Add(new PipelineProblem(input.Location, $"step '{step.Id}' input '{input.Name}': file '{input.Source}' does not exist (looked for {full}).{hint}"));
                continue;
            }
            result.Add(new ExternalFileSource(input.Name, input.Source, full));
        }
        foreach (var spec in signature.Inputs.Where(i => i.Required))
        {
            if (step.Inputs.All(i => i.Name != spec.Name))
            {
                problems.Add(new PipelineProblem(step.Location, $"step '{step.Id}' ({step.Type}) needs input '{spec.Name}' ({spec.Description}); add it under 'inputs:'"));
            }
        }
        return result;
    }

    private static List<PlannedStep> TopologicalOrder(PipelineDefinition pipeline, Dictionary<string, PlannedStep> planned, List<PipelineProblem> problems)
    {
        var order = new List<PlannedStep>();
        var state = new Dictionary<string, int>(StringComparer.Ordinal); // 1 visiting, 2 done
        var path = new List<string>();
        bool Visit(string id)
        {
            if (state.TryGetValue(id, out var s))
            {
                if (s == 2)
                {
                    return true;
                }
                var cycle = path.SkipWhile(p => p != id).Append(id);
                problems.Add(new PipelineProblem(planned[id].Declaration.Location, $"the steps form a cycle: {string.Join(" → ", cycle)}; a step cannot depend on its own outputs, directly or through others"));
                return false;
            }
            state[id] = 1;
            path.Add(id);
            foreach (var dep in planned[id].DependsOn)
            {
                if (planned.ContainsKey(dep) && !Visit(dep))
                {
                    return false;
                }
            }
            path.RemoveAt(path.Count - 1);
            state[id] = 2;
            order.Add(planned[id]);
            return true;
        }
        foreach (var step in pipeline.Steps)
        {
            if (planned.ContainsKey(step.Id) && !Visit(step.Id))
            {
                break;
            }
        }
        return order;
    }

    /// <summary>'train.csv' next to a step named 'train' reads as that step's output; say how to name the file.</summary>
    private static string FileHint(string workspaceRoot, string source) =>
        File.Exists(Path.Combine(workspaceRoot, source)) ? $" To read the file '{source}' instead, write './{source}'." : "";
}
