using Lockstep.ML.Frames;

namespace Lockstep.ML.Features;

/// <summary>
/// Applies a fitted <see cref="PreprocessingManifest"/>: raw rows (a frame, or one dictionary of
/// column values) to feature vectors. Training and serving both use this one class, which is what
/// makes their features identical. Thread-safe.
/// </summary>
public sealed class FeatureTransformer
{
    private readonly FeatureEncoder[] _encoders;

    public FeatureTransformer(PreprocessingManifest manifest)
    {
        Manifest = manifest;
        _encoders = manifest.Features.Select(FeatureEncoder.Create).ToArray();
        Width = manifest.FeatureNames.Count;
    }

    public PreprocessingManifest Manifest { get; }

    /// <summary>The number of slots in a feature vector.</summary>
    public int Width { get; }

    /// <summary>Encodes one raw row; absent keys and nulls are missing values, unseen categories fall in the unknown bucket.</summary>
    public void Transform(IReadOnlyDictionary<string, object?> row, Span<float> features)
    {
        foreach (var encoder in _encoders)
        {
            var value = row.TryGetValue(encoder.Manifest.Column, out var raw) ? RawValue.FromObject(raw) : RawValue.Missing;
            encoder.Encode(value, features.Slice(encoder.Manifest.Offset, encoder.Manifest.Width));
        }
    }

    /// <summary>
    /// An encoder for lines whose cells are the given columns, in order (null for a column that is
    /// not a model input); see <see cref="RowEncoder"/>.
    /// </summary>
    public RowEncoder CreateRowEncoder(IReadOnlyList<string?> columns) => new(_encoders, columns, null);

    /// <summary>
    /// <see cref="CreateRowEncoder(IReadOnlyList{string?})"/> for cells that a check before the
    /// encoder already looked up: <paramref name="categoryLists"/> gives, per column, the list
    /// (or null) whose positions the cells' <see cref="ParsedCell.Category"/> refer to, so a
    /// category cell is hashed once per row instead of twice.
    /// </summary>
    public RowEncoder CreateRowEncoder(IReadOnlyList<string?> columns, IReadOnlyList<IReadOnlyList<string>?> categoryLists)
    {
        ArgumentNullException.ThrowIfNull(categoryLists);
        return new(_encoders, columns, categoryLists);
    }

    /// <summary>Encodes every row of a frame; a column the manifest needs but the frame lacks is missing in every row.</summary>
    public float[][] Transform(Frame frame)
    {
        var rows = new float[frame.RowCount][];
        for (var r = 0; r < rows.Length; r++)
        {
            rows[r] = new float[Width];
        }
        foreach (var encoder in _encoders)
        {
            frame.TryGet(encoder.Manifest.Column, out var column);
            for (var r = 0; r < rows.Length; r++)
            {
                var value = column is null ? RawValue.Missing
                    : column.Numbers is { } n ? RawValue.FromNumber(n[r])
                    : RawValue.FromText(column.Texts![r]);
                encoder.Encode(value, rows[r].AsSpan(encoder.Manifest.Offset, encoder.Manifest.Width));
            }
        }
        return rows;
    }

    /// <summary>
    /// The label of every row as ML.NET wants it: 0/1 for binary (1 = positive class), the class
    /// index for multiclass, the value for regression; NaN when missing or not a known class.
    /// </summary>
    public float[] Labels(Frame frame)
    {
        var label = Manifest.Label;
        var column = frame[label.Column];
        var result = new float[frame.RowCount];
        var classes = label.Classes?.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => p.i, StringComparer.Ordinal);
        for (var r = 0; r < result.Length; r++)
        {
            if (classes is null)
            {
                result[r] = column.Numbers is { } n ? (float)n[r] : (float)RawValue.FromText(column.Texts![r]).AsNumber();
                continue;
            }
            var text = Featurizer.LabelText(column.TextAt(r), label.TrimSuffix);
            result[r] = text is null || !classes.TryGetValue(text, out var index) ? float.NaN
                : label.Task == "binary" ? (text == label.PositiveClass ? 1f : 0f)
                : index;
        }
        return result;
    }
}
