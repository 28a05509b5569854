namespace Lockstep.ML.Features;

/// <summary>Imputes, scales and optionally flags a missing number.</summary>
internal sealed class NumericEncoder(FeatureManifest manifest) : FeatureEncoder(manifest)
{
    private readonly double _fill = manifest.ImputeValue ?? 0;
    private readonly double _offset = manifest.ScaleOffset;
    private readonly double _factor = manifest.ScaleFactor;
    private readonly bool _indicator = manifest.MissingIndicator;

    public override void Encode(in RawValue value, Span<float> slots) => Encode(value.AsNumber(), slots);

    /// <summary>Encodes a number (NaN: missing), as <see cref="Encode(in RawValue, Span{float})"/> does for its value.</summary>
    public void Encode(double v, Span<float> slots)
    {
        var missing = double.IsNaN(v) || double.IsInfinity(v);
        slots[0] = (float)(((missing ? _fill : v) - _offset) * _factor);
        if (_indicator)
        {
            slots[1] = missing ? 1f : 0f;
        }
    }
}
