using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using Lockstep.Errors;
using Lockstep.Pipelines;

namespace Lockstep.Steps;

/// <summary>
/// Runs an external command with declared input and output files, as a DVC stage does, so that any
/// tool can join a pipeline. The command runs under <c>/bin/sh -c</c> in the workspace folder.
/// Inputs and outputs reach it as <c>${inputs.NAME}</c> / <c>${outputs.NAME}</c> (substituted,
/// shell-quoted) and as environment variables <c>LOCKSTEP_IN_NAME</c> / <c>LOCKSTEP_OUT_NAME</c>;
/// the step's seed is <c>LOCKSTEP_SEED</c>. A non-zero exit fails the step with the end of its output.
/// </summary>
public sealed class CommandStep : IStepType
{
    public StepSignature Signature { get; } = new()
    {
        Type = "command",
        Description = "Runs a shell command that reads declared input files and writes declared output files.",
        AnyInputs = true,
        DeclaredOutputs = true,
        Parameters =
        [
            ParameterSpec.Req("run", ParameterKind.String, "the shell command; use ${inputs.NAME} and ${outputs.NAME} for the files"),
            ParameterSpec.Opt("timeout_seconds", ParameterKind.Integer, null, "kill the command after this many seconds"),
            ParameterSpec.Opt("env", ParameterKind.Map, null, "extra environment variables for the command"),
        ],
    };

    public IEnumerable<PipelineProblem> Validate(StepDeclaration step, StepParameters parameters)
    {
        var run = parameters.GetNode("run");
        if (run is not JsonValue value || !value.TryGetValue<string>(out var text))
        {
            yield break;
        }
        var inputs = step.Inputs.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        var outputs = (step.Outputs ?? []).Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var placeholder in CommandPlaceholder.FindAll(text))
        {
            var (kind, name) = (placeholder.Kind, placeholder.Name);
            var known = kind == "inputs" ? inputs : outputs;
            if (!known.Contains(name))
            {
                yield return new PipelineProblem(parameters.LocationOf("run"),
                    $"step '{step.Id}' command refers to ${{{kind}.{name}}}, but the step declares no such {kind[..^1]}; declare it under '{kind}:'.{Suggest.DidYouMean(name, known)}");
            }
        }
        if (step.Outputs is null || step.Outputs.Count == 0)
        {
            yield return new PipelineProblem(step.Location, $"command step '{step.Id}' declares no outputs; list the files it writes, e.g. 'outputs: [result]', and write them to ${{outputs.result}}");
        }
    }

    public async Task ExecuteAsync(StepContext context, CancellationToken cancellationToken)
    {
        var command = CommandPlaceholder.Replace(context.Parameters.GetString("run"), placeholder =>
        {
            var name = placeholder.Name;
            var path = placeholder.Kind == "inputs" ? context.Input(name).Path : context.OutputPath(name);
            return ShellQuote(path);
        });
        var start = new ProcessStartInfo("/bin/sh")
        {
            WorkingDirectory = context.WorkspaceRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(command);
        foreach (var (name, input) in context.Inputs)
        {
            start.Environment["LOCKSTEP_IN_" + EnvName(name)] = input.Path;
        }
        foreach (var name in context.OutputNames)
        {
            start.Environment["LOCKSTEP_OUT_" + EnvName(name)] = context.OutputPath(name);
        }
        start.Environment["LOCKSTEP_SEED"] = context.Seed.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["LOCKSTEP_STEP"] = context.StepId;
        start.Environment["LOCKSTEP_TMP"] = context.ScratchDirectory;
        if (context.Parameters.GetMap("env") is { } env)
        {
            foreach (var (name, value) in env)
            {
                start.Environment[name] = value is JsonValue v && v.TryGetValue<string>(out var s) ? s : value?.ToJsonString() ?? "";
            }
        }

        var tail = new Tail(40);
        using var process = new Process { StartInfo = start };
        var gate = new object();
        void OnLine(string? line, string stream)
        {
            if (line is null)
            {
                return;
            }
            lock (gate)
            {
                context.Log.WriteLine(stream == "err" ? "! " + line : line);
                tail.Add(line);
            }
        }
        process.OutputDataReceived += (_, e) => OnLine(e.Data, "out");
        process.ErrorDataReceived += (_, e) => OnLine(e.Data, "err");
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new StepInputException($"cannot start /bin/sh for step '{context.StepId}': {e.Message}");
        }
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var timeout = context.Parameters.GetInt64OrNull("timeout_seconds") is { } seconds
            ? new CancellationTokenSource(TimeSpan.FromSeconds(seconds))
            : new CancellationTokenSource();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            await process.WaitForExitAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            if (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                throw new StepInputException($"command timed out after {context.Parameters.GetInt64("timeout_seconds")} s and was killed; raise 'timeout_seconds' or make it faster");
            }
            throw;
        }
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            string lines;
            lock (gate)
            {
                lines = tail.ToString();
            }
            throw new StepInputException($"command exited with code {process.ExitCode}. Its last output:\n{lines}");
        }
        foreach (var name in context.OutputNames)
        {
            if (!File.Exists(context.OutputPath(name)))
            {
                throw new StepInputException($"the command finished but did not write output '{name}'; write it to ${{outputs.{name}}} (or $LOCKSTEP_OUT_{EnvName(name)})");
            }
        }
    }

    private static string EnvName(string name) => name.ToUpperInvariant().Replace('-', '_');

    private static string ShellQuote(string s) => "'" + s.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private sealed class Tail(int capacity)
    {
        private readonly Queue<string> _lines = new();

        public void Add(string line)
        {
            _lines.Enqueue(line.Length > 500 ? line[..500] + "…" : line);
            if (_lines.Count > capacity)
            {
                _lines.Dequeue();
            }
        }

        public override string ToString()
        {
            var sb = new StringBuilder();
            foreach (var line in _lines)
            {
                sb.Append("  | ").AppendLine(line);
            }
            return sb.Length == 0 ? "  (no output)" : sb.ToString().TrimEnd();
        }
    }
}
