using Lockstep.Hashing;

namespace Lockstep.Storage;

/// <summary>
/// Runs, step records, the cache index and lineage. Every method that writes several rows does so
/// in one transaction, so a process killed at any moment leaves either all of a change or none.
/// </summary>
public interface IMetadataStore
{
    Task CreateRunAsync(RunRecord run, CancellationToken cancellationToken);

    Task FinishRunAsync(string runId, RunStatus status, DateTimeOffset finishedAt, string? error, CancellationToken cancellationToken);

    /// <summary>Records a step's result and, when given, its cache entry, in one transaction.</summary>
    Task RecordStepAsync(StepRunRecord step, CacheEntry? cacheEntry, CancellationToken cancellationToken);

    Task<CacheEntry?> FindCacheEntryAsync(string key, CancellationToken cancellationToken);

    Task RemoveCacheEntryAsync(string key, CancellationToken cancellationToken);

    /// <summary>The latest successful record of a step in an earlier run of the same pipeline, to explain cache misses.</summary>
    Task<StepRunRecord?> FindPreviousStepRunAsync(string pipeline, string stepId, string excludingRunId, CancellationToken cancellationToken);

    /// <summary>A run by full id, unique prefix, or "last".</summary>
    Task<RunRecord?> FindRunAsync(string idOrPrefix, CancellationToken cancellationToken);

    Task<IReadOnlyList<RunRecord>> ListRunsAsync(int limit, CancellationToken cancellationToken);

    Task<IReadOnlyList<StepRunRecord>> GetStepRunsAsync(string runId, CancellationToken cancellationToken);

    /// <summary>Where the artifact was produced (as an output) and consumed (as an input).</summary>
    Task<IReadOnlyList<ArtifactUse>> FindArtifactUsesAsync(ContentHash hash, CancellationToken cancellationToken);

    /// <summary>Full hashes of recorded artifacts that start with <paramref name="prefix"/>.</summary>
    Task<IReadOnlyList<ContentHash>> FindArtifactsByPrefixAsync(string prefix, CancellationToken cancellationToken);

    /// <summary>Every object any run, cache entry or catalogue refers to (what gc keeps).</summary>
    Task<IReadOnlySet<ContentHash>> GetReferencedObjectsAsync(CancellationToken cancellationToken);

    /// <summary>Marks runs of this host still "running" whose process is gone as interrupted.</summary>
    Task<int> MarkInterruptedRunsAsync(string host, Func<int, bool> isProcessAlive, DateTimeOffset now, CancellationToken cancellationToken);
}
