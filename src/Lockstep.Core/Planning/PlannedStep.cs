using Lockstep.Pipelines;
using Lockstep.Steps;

namespace Lockstep.Planning;

/// <summary>Where a step input comes from.</summary>
public abstract record InputSource(string Name, string Text);

/// <summary>Output <paramref name="Output"/> of step <paramref name="StepId"/>.</summary>
public sealed record StepOutputSource(string Name, string Text, string StepId, string Output) : InputSource(Name, Text);

/// <summary>A file in the workspace, hashed and stored before any step runs.</summary>
public sealed record ExternalFileSource(string Name, string Text, string FullPath) : InputSource(Name, Text);

/// <summary>A validated step, ready to run: its type, resolved parameters, inputs, outputs and dependencies.</summary>
public sealed record PlannedStep(
    StepDeclaration Declaration,
    IStepType Type,
    StepParameters Parameters,
    IReadOnlyList<InputSource> Inputs,
    IReadOnlyList<string> Outputs,
    IReadOnlyList<string> DependsOn)
{
    public string Id => Declaration.Id;
}
