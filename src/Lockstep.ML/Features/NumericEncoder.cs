namespace Lockstep.ML.Features;

/// <summary>Imputes, scales and optionally flags a missing number.</summary>
internal sealed class NumericEncoder(FeatureManifest manifest) : FeatureEncoder(manifest)
{
    private readonly double _fill = manifest.ImputeValue ?? 0;
    private readonly double _offset = manifest.ScaleOffset;
    private readonly double _factor = manifest.ScaleFactor;
    private readonly bool _indicator = manifest.MissingIndicator;

    public override void Encode(in RawValue value, Span<float> slots)
    {
        var v = value.AsNumber();
        var missing = double.IsNaN(v) || double.IsInfinity(v);
        slots[0] = (float)(((missing ? _fill : v) - _offset) * _factor);
        if (_indicator)
        {
            slots[1] = missing ? 1f : 0f;
        }
    }
}
