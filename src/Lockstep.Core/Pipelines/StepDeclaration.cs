using Lockstep.Errors;

namespace Lockstep.Pipelines;

/// <summary>An input as written: its name in the step, the source text (<c>step.output</c> or a file path) and where.</summary>
public sealed record InputDeclaration(string Name, string Source, SourceLocation? Location);

/// <summary>An output name as written.</summary>
public sealed record OutputDeclaration(string Name, SourceLocation? Location);

/// <summary>One step as the pipeline file declares it.</summary>
public sealed record StepDeclaration
{
    public required string Id { get; init; }
    public required string Type { get; init; }
    public SourceLocation? Location { get; init; }
    public SourceLocation? TypeLocation { get; init; }
    public IReadOnlyList<InputDeclaration> Inputs { get; init; } = [];
    /// <summary>Declared outputs, or null when the step type's own outputs apply.</summary>
    public IReadOnlyList<OutputDeclaration>? Outputs { get; init; }
    public IReadOnlyDictionary<string, ParameterValue> Parameters { get; init; } = new Dictionary<string, ParameterValue>();
}
