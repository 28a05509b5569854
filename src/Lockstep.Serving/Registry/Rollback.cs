using Lockstep.Errors;
using Lockstep.Storage;

namespace Lockstep.Serving.Registry;

/// <summary>Finds where an alias pointed before its latest move (what <c>lockstep models rollback</c> moves it back to).</summary>
public static class Rollback
{
    public static async Task<int> PreviousVersionAsync(IModelRegistry registry, string name, string alias, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(registry);
        var history = await registry.AliasHistoryAsync(name, alias, cancellationToken).ConfigureAwait(false);
        if (history.Count == 0)
        {
            throw new LockstepException($"{name}@{alias} has never been set; 'lockstep models show {name}' lists its aliases");
        }
        var last = history[^1];
        return last.FromVersion
            ?? throw new LockstepException($"{name}@{alias} was first set to version {last.ToVersion} and has no earlier version to roll back to; move it with 'lockstep models alias {name} VERSION {alias}'");
    }
}
