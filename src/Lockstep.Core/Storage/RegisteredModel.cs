namespace Lockstep.Storage;

/// <summary>A model name with its newest version number and its aliases (alias → version).</summary>
public sealed record RegisteredModel(string Name, int LatestVersion, int VersionCount, IReadOnlyDictionary<string, int> Aliases);
