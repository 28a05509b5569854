using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Lockstep.Errors;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Lockstep.Pipelines;

/// <summary>
/// Reads a pipeline file. Strict: unknown keys, wrong shapes and duplicate ids are errors that
/// name the file, line and column and say what to write instead. All problems found are reported
/// together.
/// </summary>
public static partial class PipelineLoader
{
    private static readonly string[] TopLevelKeys = ["version", "name", "seed", "params", "steps", "plugins", "description"];
    private static readonly string[] StepKeys = ["id", "type", "inputs", "outputs", "params", "description"];

    public static async Task<PipelineDefinition> LoadFileAsync(string path, CancellationToken cancellationToken) =>
        Parse(Decode(await ReadFileAsync(path, cancellationToken).ConfigureAwait(false)), path);

    /// <summary>The text of a pipeline file's bytes, as <see cref="File.ReadAllText(string)"/> decodes them.</summary>
    public static string Decode(byte[] bytes)
    {
        using var reader = new StreamReader(new MemoryStream(bytes), System.Text.Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return reader.ReadToEnd();
    }

    /// <summary>A pipeline file's bytes; a missing or unreadable file is a <see cref="PipelineException"/> that says what to do.</summary>
    public static Task<byte[]> ReadFileAsync(string path, CancellationToken cancellationToken)
    {
        // Read synchronously: a pipeline file is a few KB, and File.ReadAllBytesAsync completes on
        // a thread-pool thread, so every caller up the chain suspended and boxed its state machine.
        // Those boxes are generic code over our structs that no precompiled image holds: the JIT
        // compiled ≈ 20 methods for them in every run. The failures stay the task's, as before.
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<byte[]>(cancellationToken);
        }
        try
        {
            return Task.FromResult(File.ReadAllBytes(path));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return Task.FromException<byte[]>(new PipelineException(null, $"{path}: no pipeline file here. Run 'lockstep init' to create one, or pass --workspace DIR."));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Task.FromException<byte[]>(new PipelineException(null, $"{path}: cannot read the pipeline file: {e.Message}"));
        }
    }

    public static PipelineDefinition Parse(string text, string file)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            var message = e.InnerException?.Message ?? e.Message;
            var idx = message.IndexOf("): ", StringComparison.Ordinal);
            if (message.StartsWith("(Line:", StringComparison.Ordinal) && idx > 0)
            {
                message = message[(idx + 3)..];
            }
            message = message.TrimEnd('.') + ".";
            var at = Loc(file, e.Start);
            // YamlDotNet reports a tab in the indentation without a position; point at the tab.
            if (e.Start.Line <= 1 && message.Contains("tab", StringComparison.Ordinal) && FirstIndentingTab(text) is var (line, column))
            {
                at = new SourceLocation(file, line, column);
                message += " YAML indents with spaces only.";
            }
            throw new PipelineException(at, $"this is not valid YAML: {message} Check indentation and quoting around this place.");
        }
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            var at = stream.Documents.Count == 0 ? new SourceLocation(file, 1, 1) : Loc(file, stream.Documents[0].RootNode.Start);
            throw new PipelineException(at, "a pipeline file is a mapping with at least 'name' and 'steps'; see 'lockstep init' for an example");
        }
        var problems = new List<PipelineProblem>();
        var parser = new Reader(file, problems);
        var definition = parser.ReadPipeline(root);
        if (problems.Count > 0)
        {
            throw new PipelineException(problems);
        }
        return definition!;
    }

    private static (int Line, int Column)? FirstIndentingTab(string text)
    {
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var indent = lines[i].Length - lines[i].TrimStart(' ', '\t').Length;
            var tab = lines[i].IndexOf('\t', 0, indent);
            if (tab >= 0)
            {
                return (i + 1, tab + 1);
            }
        }
        return null;
    }

    internal static SourceLocation Loc(string file, Mark mark) => new(file, (int)Math.Max(1, mark.Line), (int)Math.Max(1, mark.Column));

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_-]*$")]
    internal static partial Regex IdentifierPattern();

    private sealed class Reader(string file, List<PipelineProblem> problems)
    {
        private SourceLocation At(YamlNode node) => Loc(file, node.Start);

        private void Problem(YamlNode node, string message) => problems.Add(new PipelineProblem(At(node), message));

        public PipelineDefinition? ReadPipeline(YamlMappingNode root)
        {
            var map = Keys(root, TopLevelKeys, "pipeline");
            if (map.TryGetValue("version", out var versionNode))
            {
                var version = YamlScalars.ToJson(versionNode);
                if (version is not JsonValue v || !v.TryGetValue<long>(out var n) || n != PipelineDefinition.FormatVersion)
                {
                    Problem(versionNode, $"'version' must be {PipelineDefinition.FormatVersion}, the pipeline format this Lockstep reads");
                }
            }
            var name = map.TryGetValue("name", out var nameNode) ? ScalarString(nameNode, "name") : null;
            if (name is null && nameNode is null)
            {
                problems.Add(new PipelineProblem(At(root), "the pipeline has no 'name'; add a line such as 'name: my-pipeline'"));
            }
            else if (name is not null && !IdentifierPattern().IsMatch(name))
            {
                Problem(nameNode!, $"pipeline name '{name}' must be letters, digits, '_' or '-', starting with a letter");
            }
            long? seed = null;
            SourceLocation? seedLocation = null;
            if (map.TryGetValue("seed", out var seedNode))
            {
                seedLocation = At(seedNode);
                var value = YamlScalars.ToJson(seedNode);
                if (value is JsonValue sv && sv.TryGetValue<long>(out var s) && s >= 0)
                {
                    seed = s;
                }
                else
                {
                    Problem(seedNode, $"'seed' must be a non-negative integer such as 'seed: 42', not {Show(value)}");
                }
            }
            var parameters = map.TryGetValue("params", out var paramsNode) ? ReadParameters(paramsNode, "params") : new Dictionary<string, ParameterValue>();
            var plugins = new List<string>();
            if (map.TryGetValue("plugins", out var pluginsNode))
            {
                if (pluginsNode is YamlSequenceNode seq)
                {
                    foreach (var item in seq)
                    {
                        if (ScalarString(item, "plugins entry") is { } p)
                        {
                            plugins.Add(p);
                        }
                    }
                }
                else
                {
                    Problem(pluginsNode, "'plugins' is a list of paths to class libraries (.dll) with step types, e.g. 'plugins: [lib/MySteps.dll]'");
                }
            }
            var steps = new List<StepDeclaration>();
            if (!map.TryGetValue("steps", out var stepsNode))
            {
                problems.Add(new PipelineProblem(At(root), "the pipeline has no 'steps'; add a list of steps, each with an 'id' and a 'type'"));
            }
            else if (stepsNode is not YamlSequenceNode stepList)
            {
                Problem(stepsNode, "'steps' must be a list: write each step as an item starting with '- id: …'");
            }
            else
            {
                foreach (var item in stepList)
                {
                    if (ReadStep(item) is { } step)
                    {
                        steps.Add(step);
                    }
                }
                if (stepList.Children.Count == 0)
                {
                    Problem(stepsNode, "'steps' is empty; a pipeline needs at least one step");
                }
            }
            return new PipelineDefinition
            {
                Name = name ?? "pipeline",
                SourceFile = file,
                Seed = seed,
                SeedLocation = seedLocation,
                Parameters = parameters,
                Steps = steps,
                Plugins = plugins,
            };
        }

        private StepDeclaration? ReadStep(YamlNode node)
        {
            if (node is not YamlMappingNode mapping)
            {
                Problem(node, "each step is a mapping with 'id', 'type' and optionally 'inputs', 'outputs' and 'params'");
                return null;
            }
            var map = Keys(mapping, StepKeys, "step");
            string? id = null;
            if (map.TryGetValue("id", out var idNode))
            {
                id = ScalarString(idNode, "id");
                if (id is not null && !IdentifierPattern().IsMatch(id))
                {
                    Problem(idNode, $"step id '{id}' must be letters, digits, '_' or '-', starting with a letter (it is used as 'id.output' in inputs)");
                    id = null;
                }
            }
            else
            {
                Problem(mapping, "this step has no 'id'; add one such as 'id: train'");
            }
            string? type = null;
            if (map.TryGetValue("type", out var typeNode))
            {
                type = ScalarString(typeNode, "type");
            }
            else
            {
                Problem(mapping, $"step '{id ?? "?"}' has no 'type'; add one such as 'type: command'");
            }
            var inputs = new List<InputDeclaration>();
            if (map.TryGetValue("inputs", out var inputsNode))
            {
                if (inputsNode is YamlMappingNode inputMap)
                {
                    foreach (var (key, value) in inputMap.Children)
                    {
                        var name = ScalarString(key, "input name");
                        var source = ScalarString(value, $"input '{name}'");
                        if (name is not null && source is not null)
                        {
                            if (!IdentifierPattern().IsMatch(name))
                            {
                                Problem(key, $"input name '{name}' must be letters, digits, '_' or '-'");
                            }
                            inputs.Add(new InputDeclaration(name, source, At(value)));
                        }
                    }
                }
                else
                {
                    Problem(inputsNode, "'inputs' maps names to sources: 'data: ingest.snapshot' for a step's output, 'raw: data/file.csv' for a file");
                }
            }
            List<OutputDeclaration>? outputs = null;
            if (map.TryGetValue("outputs", out var outputsNode))
            {
                outputs = [];
                if (outputsNode is YamlSequenceNode outputList)
                {
                    foreach (var item in outputList)
                    {
                        if (ScalarString(item, "output name") is { } o)
                        {
                            if (!IdentifierPattern().IsMatch(o))
                            {
                                Problem(item, $"output name '{o}' must be letters, digits, '_' or '-'");
                            }
                            else if (outputs.Any(x => x.Name == o))
                            {
                                Problem(item, $"output '{o}' is listed twice");
                            }
                            outputs.Add(new OutputDeclaration(o, At(item)));
                        }
                    }
                }
                else
                {
                    Problem(outputsNode, "'outputs' is a list of names, e.g. 'outputs: [report, model]'");
                }
            }
            var parameters = map.TryGetValue("params", out var paramsNode) ? ReadParameters(paramsNode, "params") : new Dictionary<string, ParameterValue>();
            if (id is null || type is null)
            {
                return null;
            }
            return new StepDeclaration
            {
                Id = id,
                Type = type,
                Location = At(mapping),
                TypeLocation = At(map["type"]),
                Inputs = inputs,
                Outputs = outputs,
                Parameters = parameters,
            };
        }

        private Dictionary<string, ParameterValue> ReadParameters(YamlNode node, string what)
        {
            var result = new Dictionary<string, ParameterValue>(StringComparer.Ordinal);
            if (node is not YamlMappingNode mapping)
            {
                Problem(node, $"'{what}' maps parameter names to values, e.g. 'learning_rate: 0.1'");
                return result;
            }
            foreach (var (key, value) in mapping.Children)
            {
                if (ScalarString(key, "parameter name") is not { } name)
                {
                    continue;
                }
                result[name] = new ParameterValue(YamlScalars.ToJson(value), At(value));
            }
            return result;
        }

        private Dictionary<string, YamlNode> Keys(YamlMappingNode mapping, string[] allowed, string what)
        {
            var result = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
            foreach (var (keyNode, value) in mapping.Children)
            {
                if (keyNode is not YamlScalarNode { Value: { } key })
                {
                    Problem(keyNode, $"a {what} key must be a plain name");
                    continue;
                }
                if (!allowed.Contains(key))
                {
                    Problem(keyNode, $"unknown {what} key '{key}'.{Suggest.DidYouMean(key, allowed)} A {what} takes {Suggest.List(allowed)}.");
                    continue;
                }
                result[key] = value;
            }
            return result;
        }

        private string? ScalarString(YamlNode node, string what)
        {
            if (node is YamlScalarNode { Value: { Length: > 0 } value })
            {
                return value;
            }
            Problem(node, node is YamlScalarNode ? $"{what} is empty" : $"{what} must be a single value, not a list or mapping");
            return null;
        }

        private static string Show(JsonNode? value) => value is null ? "an empty value" : $"'{value.ToJsonString()}'";
    }
}
