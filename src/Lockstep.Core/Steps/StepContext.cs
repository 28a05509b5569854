using System.Collections.Concurrent;
using Lockstep.Errors;
using Lockstep.Hashing;
using Lockstep.Storage;

namespace Lockstep.Steps;

/// <summary>
/// Everything a running step may use: its parameters, verified inputs, where to write outputs,
/// its seed, a log, metrics, the workspace and the store. Time comes from <see cref="Time"/>,
/// randomness from <see cref="Seed"/>; a step that uses neither the clock nor an unseeded random
/// generator reproduces bit for bit.
/// </summary>
public sealed class StepContext
{
    private readonly IReadOnlyDictionary<string, string> _outputPaths;
    private readonly ConcurrentDictionary<string, double> _metrics = new(StringComparer.Ordinal);

    public StepContext(
        string runId,
        string stepId,
        StepSignature signature,
        StepParameters parameters,
        IReadOnlyDictionary<string, StepInput> inputs,
        IReadOnlyDictionary<string, string> outputPaths,
        long seed,
        string workspaceRoot,
        string scratchDirectory,
        IStore store,
        TimeProvider time,
        TextWriter log,
        IProgress<double>? progress)
    {
        RunId = runId;
        StepId = stepId;
        Signature = signature;
        Parameters = parameters;
        Inputs = inputs;
        _outputPaths = outputPaths;
        Seed = seed;
        WorkspaceRoot = workspaceRoot;
        ScratchDirectory = scratchDirectory;
        Store = store;
        Time = time;
        Log = log;
        Progress = progress;
    }

    public string RunId { get; }
    public string StepId { get; }
    public StepSignature Signature { get; }
    public StepParameters Parameters { get; }
    public IReadOnlyDictionary<string, StepInput> Inputs { get; }
    /// <summary>The step's seed: the parameter <c>seed</c> when declared, otherwise derived from the run's seed and the step id.</summary>
    public long Seed { get; }
    public string WorkspaceRoot { get; }
    /// <summary>A private folder for temporary files, deleted after the step.</summary>
    public string ScratchDirectory { get; }
    public IStore Store { get; }
    public TimeProvider Time { get; }
    /// <summary>The step's log, kept in the run record ('lockstep runs show RUN --log').</summary>
    public TextWriter Log { get; }
    /// <summary>Fraction done, 0 to 1, for the progress display of long steps.</summary>
    public IProgress<double>? Progress { get; }

    public IReadOnlyDictionary<string, double> Metrics => _metrics;

    public IEnumerable<string> OutputNames => _outputPaths.Keys;

    /// <summary>Where to write output <paramref name="name"/>; the runner stores it by hash after the step returns.</summary>
    public string OutputPath(string name) =>
        _outputPaths.TryGetValue(name, out var path)
            ? path
            : throw new StepInputException($"step '{StepId}' has no output '{name}'; it declares {string.Join(", ", _outputPaths.Keys.Select(k => $"'{k}'"))}");

    /// <summary>The input <paramref name="name"/>, or an error naming the step when it was not given.</summary>
    public StepInput Input(string name) =>
        Inputs.TryGetValue(name, out var input)
            ? input
            : throw new StepInputException($"step '{StepId}' needs input '{name}'; add it under the step's 'inputs:'");

    public void SetMetric(string name, double value) => _metrics[name] = value;

    /// <summary>A 32-bit seed for APIs that take an int (ML.NET), derived from <see cref="Seed"/>.</summary>
    public int Seed32 => (int)(Seed & 0x7FFFFFFF);
}
