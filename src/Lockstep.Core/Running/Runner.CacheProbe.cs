using System.Text.Json.Nodes;
using Lockstep.Planning;
using Lockstep.Storage;

namespace Lockstep.Running;

/// <summary>
/// What decides a step's cache key (shared by a run and by <see cref="CheckFullyCachedAsync"/>), and
/// the read-only check whether a whole plan would be reused.
/// </summary>
public sealed partial class Runner
{
    /// <summary>A step's canonical parameters, its seed and its code identity.</summary>
    private (JsonObject Parameters, long Seed, string Code) Identity(PlannedStep step, long runSeed)
    {
        var parametersJson = new JsonObject();
        foreach (var name in step.Parameters.Names.Order(StringComparer.Ordinal))
        {
            parametersJson[name] = step.Parameters.GetNode(name)?.DeepClone();
        }
        var seed = step.Parameters.GetInt64OrNull("seed") ?? RunEnvironment.DeriveSeed(runSeed, step.Id);
        return (parametersJson, seed, _registry.CodeIdentity(step.Type));
    }

    /// <summary>A step's inputs: its upstream steps' outputs (by step id) and the run's external files (by "step/input").</summary>
    private static List<ArtifactBinding> BindInputs(
        PlannedStep step, Func<string, IReadOnlyList<ArtifactBinding>> upstreamOutputs, Dictionary<string, (Hashing.ContentHash Hash, long Size)> external)
    {
        var inputs = new List<ArtifactBinding>();
        foreach (var input in step.Inputs)
        {
            if (input is StepOutputSource so)
            {
                var output = upstreamOutputs(so.StepId).First(o => o.Name == so.Output);
                inputs.Add(new ArtifactBinding(input.Name, output.Hash, output.Size, input.Text));
            }
            else
            {
                var (hash, size) = external[$"{step.Id}/{input.Name}"];
                inputs.Add(new ArtifactBinding(input.Name, hash, size, input.Text));
            }
        }
        return inputs;
    }

    private async Task<CacheKey> KeyAsync(PlannedStep step, string code, JsonObject parametersJson, List<ArtifactBinding> inputs, long seed, CancellationToken cancellationToken) =>
        CacheKey.Create(
            step.Type.Signature.Type,
            code,
            parametersJson,
            inputs,
            step.Outputs,
            _registry.EnvironmentIdentity(step.Type),
            step.Type.Signature.UsesSeed ? seed : null,
            await step.Type.DescribeExternalStateAsync(step.Parameters, _store, cancellationToken).ConfigureAwait(false));

    /// <summary>
    /// Whether running <paramref name="plan"/> with <paramref name="options"/> would reuse every
    /// step: each external file hashed (as a run hashes it, before any step) and already stored,
    /// and each step's key in the cache with outputs that check as they do at a cache hit (present,
    /// and hashing right). Writes nothing and takes no lock. A pipeline without a seed generates one
    /// per run, so a step that uses the run's seed is never reused there. Null when some step would
    /// run; otherwise what was checked, for <see cref="RunOptions.Checked"/>: the run made with it
    /// (and <see cref="RunOptions.CachedOnly"/>) uses these hashes instead of reading every file a
    /// second time, and still looks every step up again. The resident process asks this before it
    /// records a run (docs/resident.md).
    /// </summary>
    public async Task<CachedPlanCheck?> CheckFullyCachedAsync(ExecutionPlan plan, RunOptions options, CancellationToken cancellationToken)
    {
        if (options.ForceAll || options.ForceSteps.Count > 0 || options.RecordedExternalInputs is not null || options.Checked is not null)
        {
            return null;
        }
        var hashed = await HashExternalFilesAsync(plan, cancellationToken).ConfigureAwait(false);
        var external = new Dictionary<string, (Hashing.ContentHash, long)>(StringComparer.Ordinal);
        foreach (var step in plan.Steps)
        {
            foreach (var input in step.Inputs)
            {
                if (input is not ExternalFileSource file)
                {
                    continue;
                }
                var (hash, failure) = hashed[file.FullPath];
                if (failure is not null || !_store.Objects.Exists(hash))
                {
                    return null;
                }
                external[$"{step.Id}/{input.Name}"] = (hash, _store.Objects.SizeOf(hash));
            }
        }
        var verified = new HashSet<Hashing.ContentHash>();
        var outputs = new Dictionary<string, IReadOnlyList<ArtifactBinding>>(StringComparer.Ordinal);
        foreach (var step in plan.Steps)
        {
            if (plan.Pipeline.Seed is not { } runSeed)
            {
                if (step.Type.Signature.UsesSeed && step.Parameters.GetInt64OrNull("seed") is null)
                {
                    return null;
                }
                runSeed = 0;
            }
            var (parametersJson, seed, code) = Identity(step, runSeed);
            var inputs = BindInputs(step, id => outputs[id], external);
            var key = await KeyAsync(step, code, parametersJson, inputs, seed, cancellationToken).ConfigureAwait(false);
            var entry = await _store.Metadata.FindCacheEntryAsync(key.Key, cancellationToken).ConfigureAwait(false);
            if (entry is null)
            {
                return null;
            }
            foreach (var output in entry.Outputs)
            {
                var health = await _store.Objects.CheckAsync(output.Hash, cancellationToken).ConfigureAwait(false);
                if (health.State != ObjectState.Ok)
                {
                    return null;
                }
                verified.Add(output.Hash);
            }
            outputs[step.Id] = entry.Outputs;
        }
        return new CachedPlanCheck(hashed, verified);
    }
}

/// <summary>
/// What <see cref="Runner.CheckFullyCachedAsync"/> read and checked: every external file's hash
/// and every cached output it found whole. Given to the run that follows
/// (<see cref="RunOptions.Checked"/>), so that the same files are not read and hashed twice.
/// </summary>
public sealed class CachedPlanCheck
{
    internal CachedPlanCheck(Dictionary<string, Runner.FileHash> externalHashes, IReadOnlySet<Hashing.ContentHash> verifiedOutputs)
    {
        ExternalHashes = externalHashes;
        VerifiedOutputs = verifiedOutputs;
    }

    /// <summary>The runner's own hashes of the external files, by full path.</summary>
    internal Dictionary<string, Runner.FileHash> ExternalHashes { get; }

    /// <summary>Cached outputs found present and hashing right.</summary>
    internal IReadOnlySet<Hashing.ContentHash> VerifiedOutputs { get; }
}
