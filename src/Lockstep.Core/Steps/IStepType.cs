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
    /// State outside the step's inputs that its result depends on (e.g. which model version holds
    /// an alias in the registry), as a short text; it joins the cache key so that a change to that
    /// state re-runs the step. Null (the default) for a step that reads only its inputs.
    /// </summary>
    Task<string?> DescribeExternalStateAsync(StepParameters parameters, Storage.IStore store, CancellationToken cancellationToken) =>
        Task.FromResult<string?>(null);

    /// <summary>
    /// Runs the step: reads <see cref="StepContext.Inputs"/>, writes every output to
    /// <see cref="StepContext.OutputPath"/>. Throw <see cref="StepInputException"/> for bad data.
    /// </summary>
    Task ExecuteAsync(StepContext context, CancellationToken cancellationToken);
}
