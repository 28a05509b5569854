namespace Lockstep.ML.Features;

/// <summary>TF-IDF over the fitted vocabulary, L2-normalised; n-grams outside the vocabulary are dropped.</summary>
internal sealed class TextEncoder : FeatureEncoder
{
    private readonly Dictionary<string, int> _vocabulary;
    private readonly double[] _idf;

    public TextEncoder(FeatureManifest manifest) : base(manifest)
    {
        var vocabulary = manifest.Vocabulary ?? [];
        _vocabulary = new Dictionary<string, int>(vocabulary.Count, StringComparer.Ordinal);
        for (var i = 0; i < vocabulary.Count; i++)
        {
            _vocabulary[vocabulary[i]] = i;
        }
        _idf = (manifest.Idf ?? []).ToArray();
    }

    public override void Encode(in RawValue value, Span<float> slots)
    {
        slots.Clear();
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        TextGrams.Collect(value.AsText() ?? "", Manifest.WordNgrams, Manifest.CharNgrams, counts);
        var sumSquares = 0.0;
        var hits = new List<(int Slot, double Weight)>(counts.Count);
        // Sorted by slot so that the floating-point sum is the same whatever the dictionary order.
        foreach (var (gram, count) in counts)
        {
            if (_vocabulary.TryGetValue(gram, out var slot))
            {
                hits.Add((slot, count * _idf[slot]));
            }
        }
        hits.Sort((a, b) => a.Slot.CompareTo(b.Slot));
        foreach (var (_, w) in hits)
        {
            sumSquares += w * w;
        }
        var norm = sumSquares > 0 ? 1 / Math.Sqrt(sumSquares) : 0;
        foreach (var (slot, w) in hits)
        {
            slots[slot] = (float)(w * norm);
        }
    }
}
