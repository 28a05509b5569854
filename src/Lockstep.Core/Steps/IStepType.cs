using Lockstep.Errors;
using Lockstep.Pipelines;

namespace Lockstep.Steps;

/// <summary>
/// A kind of step. Built-in ones ship with Lockstep; users add their own in a class library that
/// the pipeline names under <c>plugins:</c>. An implementation must have a public parameterless
/// constructor and be stateless: one instance serves every step of its type, possibly in parallel.
/// </summary>
public interface IStepType
{
    StepSignature Signature { get; }

    /// <summary>
    /// Checks that cross parameters at plan time, beyond kinds and required names (which the
    /// planner checks). Return one problem per mistake, with the parameter's location.
    /// </summary>
    IEnumerable<PipelineProblem> Validate(StepDeclaration step, StepParameters parameters) => [];

    /// <summary>
    /// Runs the step: reads <see cref="StepContext.Inputs"/>, writes every output to
    /// <see cref="StepContext.OutputPath"/>. Throw <see cref="StepInputException"/> for bad data.
    /// </summary>
    Task ExecuteAsync(StepContext context, CancellationToken cancellationToken);
}
