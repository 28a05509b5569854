namespace Lockstep.ML.Bundles;

/// <summary>How strictly to load a bundle. Hash mismatches are never overridable.</summary>
public sealed record BundleLoadOptions
{
    public static BundleLoadOptions Strict { get; } = new();

    /// <summary>Load even when the environment lock differs from this process; the differences are kept on <see cref="LoadedModel.EnvironmentOverride"/>.</summary>
    public bool AllowEnvironmentMismatch { get; init; }

    /// <summary>Why the override was given, recorded with it.</summary>
    public string? OverrideReason { get; init; }

    /// <summary>Single-row engines kept ready (each holds its own buffers); more are made on demand.</summary>
    public int WarmEngines { get; init; } = 1;
}
