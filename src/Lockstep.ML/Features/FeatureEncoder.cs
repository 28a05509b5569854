namespace Lockstep.ML.Features;

/// <summary>One fitted column's encoding, compiled from its <see cref="FeatureManifest"/> for fast repeated use. Thread-safe (read-only).</summary>
internal abstract class FeatureEncoder(FeatureManifest manifest)
{
    public FeatureManifest Manifest { get; } = manifest;

    /// <summary>Writes this column's slots into <paramref name="slots"/> (exactly <see cref="FeatureManifest.Width"/> long).</summary>
    public abstract void Encode(in RawValue value, Span<float> slots);

    public static FeatureEncoder Create(FeatureManifest manifest) => manifest.Kind switch
    {
        "numeric" => new NumericEncoder(manifest),
        "categorical" => new CategoricalEncoder(manifest),
        "text" => new TextEncoder(manifest),
        _ => throw new InvalidDataException($"preprocessing manifest: column '{manifest.Column}' has unknown kind '{manifest.Kind}'"),
    };
}
