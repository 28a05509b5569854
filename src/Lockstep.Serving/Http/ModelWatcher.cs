using Lockstep.Errors;
using Lockstep.Serving.Scoring;
using Microsoft.Extensions.Logging;

namespace Lockstep.Serving.Http;

/// <summary>
/// Polls a movable source (a registry alias). When it points somewhere new, loads and verifies
/// that bundle off the request path and swaps it in atomically; a bundle that does not verify
/// is refused once (not retried until the alias moves again) and the old model keeps serving.
/// </summary>
internal sealed class ModelWatcher(IModelSource source, ModelHolder holder, ServingMetrics metrics, ILogger logger)
{
    private ModelPointer? _refused;

    public async Task CheckOnceAsync(CancellationToken cancellationToken)
    {
        ModelPointer pointer;
        try
        {
            pointer = await source.ResolveAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (LockstepException e)
        {
            logger.LogWarning("cannot resolve {Source}: {Message}; still serving the current model", source.Description, e.Message);
            return;
        }
        var current = holder.Current;
        if ((current is not null && current.Version == pointer.Version && current.BundleHash == pointer.BundleHash) || pointer == _refused)
        {
            return;
        }
        try
        {
            var next = await source.LoadAsync(pointer, cancellationToken).ConfigureAwait(false);
            holder.Swap(next);
            _refused = null;
            metrics.Swaps.WithLabels("swapped").Inc();
            metrics.ModelVersion.Set(next.Version);
            logger.LogInformation("{Source} now serves {Name} version {Version} (bundle {Hash})", source.Description, next.Name, next.Version, next.BundleHash);
        }
        catch (LockstepException e)
        {
            _refused = pointer;
            var reason = $"{source.Description} moved to version {pointer.Version}, but its bundle was refused: {e.Message}";
            holder.Refused(reason);
            metrics.Swaps.WithLabels("refused").Inc();
            logger.LogError("{Reason}; still serving version {Version}", reason, current?.Version);
        }
    }
}
