namespace Lockstep.ML.Features;

/// <summary>
/// One-hot or key encoding over the fitted category list, with a bucket for missing values and
/// one for categories never seen in training (and rare ones folded into it).
/// </summary>
internal sealed class CategoricalEncoder : FeatureEncoder
{
    private readonly Dictionary<string, int> _index;
    private readonly OrdinalSpanIndex _spans;
    private readonly int _missing;
    private readonly int _unknown;
    private readonly bool _oneHot;
    private readonly string? _imputeCategory;

    public CategoricalEncoder(FeatureManifest manifest) : base(manifest)
    {
        var categories = manifest.Categories ?? [];
        _index = new Dictionary<string, int>(categories.Count, StringComparer.Ordinal);
        for (var i = 0; i < categories.Count; i++)
        {
            _index[categories[i]] = i;
        }
        _spans = new OrdinalSpanIndex(categories);
        _missing = categories.Count;
        _unknown = categories.Count + 1;
        _oneHot = manifest.Encoding != "key";
        _imputeCategory = manifest.ImputeCategory;
    }

    /// <summary>The slot a value falls in: a category's index, the missing bucket or the unknown bucket.</summary>
    public int IndexOf(in RawValue value)
    {
        var text = value.AsText() ?? _imputeCategory;
        return text is null ? _missing : _index.TryGetValue(text, out var i) ? i : _unknown;
    }

    /// <summary>
    /// The slot of a text cell (<paramref name="missing"/>: no value), as <see cref="IndexOf(in RawValue)"/>
    /// gives it for the same text, without making a string of it.
    /// </summary>
    public int IndexOf(ReadOnlySpan<char> text, bool missing)
    {
        if (missing)
        {
            return _imputeCategory is null ? _missing : _index.TryGetValue(_imputeCategory, out var i) ? i : _unknown;
        }
        var j = _spans.IndexOf(text);
        return j >= 0 ? j : _unknown;
    }

    /// <summary>True: one slot per category (one-hot); false: one slot holding the index (key).</summary>
    public bool OneHot => _oneHot;

    public override void Encode(in RawValue value, Span<float> slots) => Encode(IndexOf(value), slots);

    public void Encode(int index, Span<float> slots)
    {
        if (_oneHot)
        {
            slots.Clear();
            slots[index] = 1f;
        }
        else
        {
            slots[0] = index;
        }
    }
}
