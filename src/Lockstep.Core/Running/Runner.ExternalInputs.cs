using Lockstep.Errors;
using Lockstep.Hashing;
using Lockstep.Planning;

namespace Lockstep.Running;

/// <summary>
/// The run's external input files: hashed ahead on the pool while the run opens, then stored
/// once each, before any step runs (a file that cannot be read fails the run there).
/// </summary>
public sealed partial class Runner
{
    /// <summary>
    /// Each distinct external file's hash (or why it could not be read), by full path, computed on a
    /// pool thread after <see cref="RunEnvironment.Prepare"/>. Reads only: storing the objects is
    /// left to <see cref="StoreExternalInputsAsync"/>, after the run record exists.
    /// </summary>
    private static Task<Dictionary<string, FileHash>> HashExternalFilesAsync(ExecutionPlan plan, CancellationToken cancellationToken) =>
        Task.Run(() =>
        {
            RunEnvironment.Prepare();
            var hashes = new Dictionary<string, FileHash>(StringComparer.Ordinal);
            foreach (var step in plan.Steps)
            {
                foreach (var input in step.Inputs)
                {
                    if (input is not ExternalFileSource file || hashes.ContainsKey(file.FullPath))
                    {
                        continue;
                    }
                    try
                    {
                        hashes[file.FullPath] = new FileHash(ContentHasher.HashFileAsync(file.FullPath, cancellationToken).GetAwaiter().GetResult(), null);
                    }
                    catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                    {
                        hashes[file.FullPath] = new FileHash(default, e);
                    }
                }
            }
            return hashes;
        }, cancellationToken);

    /// <summary>A file's hash, or the exception reading it threw (rethrown where the hash is used).</summary>
    internal sealed record FileHash(ContentHash Hash, Exception? Failure)
    {
        public ContentHash Get()
        {
            if (Failure is not null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(Failure);
            }
            return Hash;
        }
    }

    /// <summary>
    /// Stores every external file once, under the hash <see cref="HashExternalFilesAsync"/> read
    /// (null only when the run replays recorded inputs), before any step runs.
    /// </summary>
    private async Task<Dictionary<string, (ContentHash Hash, long Size)>> StoreExternalInputsAsync(
        ExecutionPlan plan, RunOptions options, Dictionary<string, FileHash>? hashed, CancellationToken cancellationToken)
    {
        var byKey = new Dictionary<string, (ContentHash, long)>(StringComparer.Ordinal);
        var byPath = new Dictionary<string, (ContentHash, long)>(StringComparer.Ordinal);
        foreach (var step in plan.Steps)
        {
            foreach (var input in step.Inputs.OfType<ExternalFileSource>())
            {
                var key = $"{step.Id}/{input.Name}";
                if (options.RecordedExternalInputs is { } recorded)
                {
                    if (!recorded.TryGetValue(key, out var hash))
                    {
                        throw new StepFailedException(step.Id, step.Type.Signature.Type, $"the recorded run has no object for input '{input.Name}' ({input.Text})");
                    }
                    byKey[key] = (hash, _store.Objects.SizeOf(hash));
                    continue;
                }
                if (!byPath.TryGetValue(input.FullPath, out var stored))
                {
                    // The early pass walked the same inputs, so every path has its hash (or its failure).
                    stored = await EnsureStoredAsync(input.FullPath, step.Id, input, hashed![input.FullPath], cancellationToken).ConfigureAwait(false);
                    byPath[input.FullPath] = stored;
                }
                byKey[key] = stored;
            }
        }
        return byKey;
    }

    private async Task<(ContentHash, long)> EnsureStoredAsync(string path, string stepId, ExternalFileSource input, FileHash hashed, CancellationToken cancellationToken)
    {
        try
        {
            var hash = hashed.Get();
            if (_store.Objects.Exists(hash))
            {
                return (hash, _store.Objects.SizeOf(hash));
            }
            var stored = await _store.Objects.PutFileAsync(path, cancellationToken).ConfigureAwait(false);
            return (stored.Hash, stored.Size);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StepInputException($"step '{stepId}' input '{input.Name}': cannot read {input.Text}: {e.Message}");
        }
    }
}
