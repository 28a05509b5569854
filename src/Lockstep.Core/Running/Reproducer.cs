using System.Text.Json.Nodes;
using Lockstep.Errors;
using Lockstep.Hashing;
using Lockstep.Pipelines;
using Lockstep.Planning;
using Lockstep.Steps;
using Lockstep.Storage;

namespace Lockstep.Running;

/// <summary>
/// Re-executes a recorded run from its recorded configuration, seed and input objects, ignoring
/// the cache, and compares every output's hash with the original. Steps whose type declares itself
/// nondeterministic (a latency measurement, a read of the model registry) are re-run and reported
/// but do not decide the verdict; everything else must be bit-identical. The inputs come from the
/// store, not the workspace, so a run can be reproduced after its source files were overwritten.
/// </summary>
public sealed class Reproducer
{
    private readonly IStore _store;
    private readonly StepTypeRegistry _registry;

    public Reproducer(IStore store, StepTypeRegistry registry)
    {
        _store = store;
        _registry = registry;
    }

    public async Task<ReproductionReport> ReproduceAsync(string runId, RunOptions options, CancellationToken cancellationToken)
    {
        var original = await _store.Metadata.FindRunAsync(runId, cancellationToken).ConfigureAwait(false)
            ?? throw new LockstepException($"no run '{runId}' in this store; 'lockstep runs list' shows the runs");
        if (original.Status != RunStatus.Succeeded)
        {
            throw new LockstepException($"run {original.Id} did not succeed ({original.Status.ToString().ToLowerInvariant()}); only a succeeded run can be reproduced");
        }
        var pipeline = PipelineDefinition.FromJson(original.ConfigJson, $"run {original.Id}");
        foreach (var plugin in pipeline.Plugins)
        {
            _registry.LoadPlugin(Path.Combine(original.WorkspacePath, plugin));
        }
        var plan = Planner.Plan(pipeline, _registry, original.WorkspacePath, checkExternalFiles: false);
        var originalSteps = (await _store.Metadata.GetStepRunsAsync(original.Id, cancellationToken).ConfigureAwait(false))
            .ToDictionary(s => s.StepId, StringComparer.Ordinal);

        var recorded = new Dictionary<string, ContentHash>(StringComparer.Ordinal);
        foreach (var step in plan.Steps)
        {
            foreach (var input in step.Inputs.OfType<ExternalFileSource>())
            {
                if (originalSteps.TryGetValue(step.Id, out var s) && s.Inputs.FirstOrDefault(i => i.Name == input.Name) is { } binding)
                {
                    if (!_store.Objects.Exists(binding.Hash))
                    {
                        throw new LockstepException($"run {original.Id} read '{input.Text}' as object {binding.Hash.Short}, which is no longer in the store (removed by gc?); it cannot be reproduced");
                    }
                    recorded[$"{step.Id}/{input.Name}"] = binding.Hash;
                }
            }
        }

        var result = await new Runner(_store, _registry).RunAsync(plan, options with
        {
            ForceAll = true,
            Kind = "reproduce",
            Reproduces = original.Id,
            RecordedExternalInputs = recorded,
        }, cancellationToken).ConfigureAwait(false);

        var comparisons = new List<StepComparison>();
        var declaredNondeterministic = plan.Steps.Where(s => !s.Type.Signature.Deterministic).Select(s => s.Id).ToHashSet(StringComparer.Ordinal);
        var uncompared = new HashSet<string>(StringComparer.Ordinal);
        string? first = null, causeKind = null, cause = null;
        foreach (var step in result.Steps)
        {
            originalSteps.TryGetValue(step.StepId, out var before);
            var outputs = (before?.Outputs ?? []).Select(o =>
                new OutputComparison(o.Name, o.Hash, step.Outputs.FirstOrDefault(n => n.Name == o.Name)?.Hash)).ToList();
            var identical = step.Status == StepStatus.Succeeded && before is not null && outputs.All(o => o.Identical) && outputs.Count == step.Outputs.Count;
            var compared = !declaredNondeterministic.Contains(step.StepId) || step.Status != StepStatus.Succeeded;
            string? stepCause = null;
            if (!identical)
            {
                (var kind, stepCause) = Diagnose(before, step, plan);
                // A step whose inputs differ only through steps that are not compared inherits that
                // expected difference: it is reported, and not held against the run.
                var changed = before is null ? [] : step.Inputs.Where(i => before.Inputs.FirstOrDefault(b => b.Name == i.Name)?.Hash != i.Hash).ToList();
                if (compared && kind == "data" && changed.Count > 0 && changed.All(i => i.Source is { } src && uncompared.Contains(src.Split('.')[0])))
                {
                    compared = false;
                    stepCause = $"its inputs differ only through {string.Join(", ", changed.Select(i => $"'{i.Source!.Split('.')[0]}'").Distinct())}, which is not compared";
                }
                else if (!compared)
                {
                    stepCause = "not compared: " + stepCause;
                }
                if (compared && first is null)
                {
                    first = step.StepId;
                    causeKind = kind;
                    cause = stepCause;
                }
            }
            if (!compared)
            {
                uncompared.Add(step.StepId);
            }
            comparisons.Add(new StepComparison(step.StepId, step.Type, identical, compared, outputs, stepCause));
        }
        return new ReproductionReport(original.Id, result.Run.Id, first is null, comparisons, first, causeKind, cause);
    }

    private static (string Kind, string Cause) Diagnose(StepRunRecord? before, StepRunRecord after, ExecutionPlan plan)
    {
        if (before is null)
        {
            return ("config", "the step was not in the original run");
        }
        if (after.Status != StepStatus.Succeeded)
        {
            return ("failed", after.Error ?? after.CacheReason);
        }
        var inputsChanged = before.Inputs.Any(i => after.Inputs.FirstOrDefault(a => a.Name == i.Name)?.Hash != i.Hash);
        if (inputsChanged)
        {
            return ("data", "its inputs differ from the original run's (an upstream step diverged)");
        }
        if (JsonNode.Parse(before.KeyJson) is JsonObject b && JsonNode.Parse(after.KeyJson) is JsonObject a)
        {
            var reasons = CacheKey.Explain(b, a);
            if (reasons.FirstOrDefault(r => r.StartsWith("code", StringComparison.Ordinal)) is { } code)
            {
                return ("code", code);
            }
            if (reasons.FirstOrDefault(r => r.StartsWith("external", StringComparison.Ordinal)) is { } external)
            {
                return ("external", external);
            }
            if (reasons.Where(r => r.StartsWith("environment", StringComparison.Ordinal) || r.StartsWith("package", StringComparison.Ordinal)).ToList() is { Count: > 0 } env)
            {
                return ("environment", string.Join("; ", env));
            }
            if (reasons.Count > 0)
            {
                return ("config", string.Join("; ", reasons));
            }
        }
        var declared = plan.Steps.FirstOrDefault(s => s.Id == after.StepId)?.Type.Signature.Deterministic ?? true;
        return ("nondeterministic", declared
            ? "same code, parameters, inputs, seed and environment gave different bytes: the step is nondeterministic (clock, unseeded randomness, thread timing or iteration order)"
            : "the step type declares itself nondeterministic");
    }
}
