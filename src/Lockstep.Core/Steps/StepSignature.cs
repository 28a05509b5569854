namespace Lockstep.Steps;

/// <summary>An input a step type reads.</summary>
public sealed record InputSpec(string Name, bool Required, string Description);

/// <summary>An output a step type writes.</summary>
public sealed record OutputSpec(string Name, string Description);

/// <summary>
/// What a step type declares about itself, checked before anything runs: its parameters, inputs
/// and outputs, whether it takes a seed, and whether the same inputs give the same bytes.
/// </summary>
public sealed record StepSignature
{
    /// <summary>The name pipelines use in <c>type:</c>.</summary>
    public required string Type { get; init; }
    public required string Description { get; init; }
    public IReadOnlyList<ParameterSpec> Parameters { get; init; } = [];
    public IReadOnlyList<InputSpec> Inputs { get; init; } = [];
    public IReadOnlyList<OutputSpec> Outputs { get; init; } = [];
    /// <summary>The pipeline names the inputs freely (e.g. the command step).</summary>
    public bool AnyInputs { get; init; }
    /// <summary>The pipeline declares the outputs (e.g. the command step); otherwise <see cref="Outputs"/> are fixed.</summary>
    public bool DeclaredOutputs { get; init; }
    /// <summary>The step draws random numbers from <see cref="StepContext.Seed"/>; the seed joins its cache key.</summary>
    public bool UsesSeed { get; init; }
    /// <summary>
    /// False when the same inputs, parameters and seed may give different bytes (e.g. multi-threaded
    /// training). Said at plan time; reproduce blames such a step as nondeterministic.
    /// </summary>
    public bool Deterministic { get; init; } = true;
}
