using Lockstep.Pipelines;

namespace Lockstep.Planning;

/// <summary>A validated pipeline: steps in a topological order (declaration order among independent steps).</summary>
public sealed record ExecutionPlan(PipelineDefinition Pipeline, IReadOnlyList<PlannedStep> Steps, IReadOnlyList<string> Warnings, string WorkspaceRoot)
{
    public PlannedStep this[string id] => Steps.First(s => s.Id == id);

    /// <summary>Every step that depends, directly or not, on <paramref name="id"/>.</summary>
    public IReadOnlySet<string> Downstream(string id)
    {
        var result = new HashSet<string>(StringComparer.Ordinal);
        var changed = true;
        result.Add(id);
        while (changed)
        {
            changed = false;
            foreach (var step in Steps)
            {
                if (!result.Contains(step.Id) && step.DependsOn.Any(result.Contains))
                {
                    result.Add(step.Id);
                    changed = true;
                }
            }
        }
        result.Remove(id);
        return result;
    }
}
