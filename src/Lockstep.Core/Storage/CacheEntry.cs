namespace Lockstep.Storage;

/// <summary>The outputs a step produced under a cache key, and the run that produced them.</summary>
public sealed record CacheEntry(string Key, string RunId, string StepId, IReadOnlyList<ArtifactBinding> Outputs, IReadOnlyDictionary<string, double> Metrics);
