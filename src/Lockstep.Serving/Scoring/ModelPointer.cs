namespace Lockstep.Serving.Scoring;

/// <summary>Where a model source currently points: a version and its bundle's hash.</summary>
public sealed record ModelPointer(string Name, int Version, string BundleHash, string Location);
