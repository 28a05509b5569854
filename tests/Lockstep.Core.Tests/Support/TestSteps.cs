using Lockstep.Steps;

namespace Lockstep.Tests.Support;

/// <summary>Concatenates its inputs (in name order) and appends the 'suffix' parameter; counts its executions.</summary>
public sealed class ConcatStep : IStepType
{
    private int _executions;

    public int Executions => _executions;

    public StepSignature Signature { get; } = new()
    {
        Type = "concat",
        Description = "test: concatenates inputs and a suffix",
        AnyInputs = true,
        Outputs = [new OutputSpec("out", "the concatenation")],
        Parameters =
        [
            ParameterSpec.Opt("suffix", ParameterKind.String, "", "text appended"),
            ParameterSpec.Opt("repeat", ParameterKind.Integer, 1, "how many times to append the suffix"),
            ParameterSpec.Opt("fail", ParameterKind.Boolean, false, "throw instead of writing"),
        ],
    };

    public async Task ExecuteAsync(StepContext context, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _executions);
        if (context.Parameters.GetBoolean("fail"))
        {
            throw new InvalidOperationException("asked to fail");
        }
        var text = "";
        foreach (var input in context.Inputs.Values.OrderBy(i => i.Name, StringComparer.Ordinal))
        {
            text += await File.ReadAllTextAsync(input.Path, cancellationToken);
        }
        for (var i = 0; i < context.Parameters.GetInt64("repeat"); i++)
        {
            text += context.Parameters.GetString("suffix");
        }
        context.SetMetric("length", text.Length);
        await File.WriteAllTextAsync(context.OutputPath("out"), text, cancellationToken);
    }
}

/// <summary>Writes bytes drawn from the step's seed: deterministic for a given seed.</summary>
public sealed class SeededStep : IStepType
{
    public StepSignature Signature { get; } = new()
    {
        Type = "seeded",
        Description = "test: seeded random bytes",
        UsesSeed = true,
        Outputs = [new OutputSpec("out", "random bytes")],
    };

    public Task ExecuteAsync(StepContext context, CancellationToken cancellationToken)
    {
        var bytes = new byte[64];
        new Random(context.Seed32).NextBytes(bytes);
        return File.WriteAllBytesAsync(context.OutputPath("out"), bytes, cancellationToken);
    }
}

/// <summary>Writes a fresh GUID: different bytes on every execution.</summary>
public sealed class NondeterministicStep : IStepType
{
    public StepSignature Signature { get; } = new()
    {
        Type = "nondeterministic",
        Description = "test: a new GUID each time",
        Outputs = [new OutputSpec("out", "a GUID")],
    };

    public Task ExecuteAsync(StepContext context, CancellationToken cancellationToken) =>
        File.WriteAllTextAsync(context.OutputPath("out"), Guid.NewGuid().ToString(), cancellationToken);
}

/// <summary>Waits at a shared barrier: only completes if another step runs at the same time.</summary>
public sealed class RendezvousStep(Barrier barrier) : IStepType
{
    public StepSignature Signature { get; } = new()
    {
        Type = "rendezvous",
        Description = "test: needs a parallel partner",
        Outputs = [new OutputSpec("out", "'met' or 'alone'")],
        Parameters = [ParameterSpec.Opt("tag", ParameterKind.String, "", "distinguishes steps")],
    };

    public Task ExecuteAsync(StepContext context, CancellationToken cancellationToken)
    {
        var met = barrier.SignalAndWait(TimeSpan.FromSeconds(20), cancellationToken);
        return File.WriteAllTextAsync(context.OutputPath("out"), met ? "met" : "alone", cancellationToken);
    }
}

/// <summary>Like <see cref="NondeterministicStep"/>, but says so: a measurement whose bytes are expected to differ.</summary>
public sealed class MeasurementStep : IStepType
{
    public StepSignature Signature { get; } = new()
    {
        Type = "measurement",
        Description = "test: a declared-nondeterministic measurement",
        Deterministic = false,
        Outputs = [new OutputSpec("out", "a fresh GUID")],
    };

    public Task ExecuteAsync(StepContext context, CancellationToken cancellationToken) =>
        File.WriteAllTextAsync(context.OutputPath("out"), Guid.NewGuid().ToString(), cancellationToken);
}

/// <summary>Depends on state outside its inputs (like a gate reading the registry), which it describes for the cache key.</summary>
public sealed class ExternalStateStep : IStepType
{
    public string State { get; set; } = "alias=1";

    public StepSignature Signature { get; } = new()
    {
        Type = "external",
        Description = "test: reads outside state",
        Outputs = [new OutputSpec("out", "the state it saw")],
    };

    public Task<string?> DescribeExternalStateAsync(StepParameters parameters, Lockstep.Storage.IStore store, CancellationToken cancellationToken) =>
        Task.FromResult<string?>(State);

    public Task ExecuteAsync(StepContext context, CancellationToken cancellationToken) =>
        File.WriteAllTextAsync(context.OutputPath("out"), State, cancellationToken);
}
