namespace Lockstep.ML.Features;

/// <summary>
/// The bundle's preprocessing bound to the columns of one file: encodes a line's
/// <see cref="ParsedCell"/>s straight into a feature vector, with the same values
/// <see cref="FeatureTransformer.Transform(IReadOnlyDictionary{string, object?}, Span{float})"/>
/// gives for the row's dictionary, but without building the dictionary or a string per cell.
/// Where that equality is not certain — a number in a categorical column (its text would be the
/// number's round-trip form, not the cell), text in a numeric column, a text (TF-IDF) column —
/// <see cref="TryEncode"/> returns false and the caller takes the dictionary path. Thread-safe.
/// </summary>
public sealed class RowEncoder
{
    private readonly FeatureEncoder[] _encoders;
    private readonly int[] _cells;

    /// <summary>Per encoder, read once here rather than through its manifest per row: where its slots are and what it is.</summary>
    private readonly (int Offset, int Width, NumericEncoder? Numeric, CategoricalEncoder? Categorical)[] _plan;

    /// <summary>True when a one-hot column exists: the row is cleared once and each one-hot column sets its 1.</summary>
    private readonly bool _anyOneHot;

    /// <summary>Per encoder: its slot for each position of its cell's category list (null: no list, the encoder looks the text up itself).</summary>
    private readonly int[]?[] _slotsByCategory;

    internal RowEncoder(FeatureEncoder[] encoders, IReadOnlyList<string?> columns, IReadOnlyList<IReadOnlyList<string>?>? categoryLists)
    {
        _encoders = encoders;
        // A dictionary built from the line keeps the last of two cells with one name.
        _cells = encoders.Select(e =>
        {
            var index = -1;
            for (var c = 0; c < columns.Count; c++)
            {
                if (columns[c] == e.Manifest.Column)
                {
                    index = c;
                }
            }
            return index;
        }).ToArray();
        // A cell already looked up in its column's list (ParsedCell.Category) takes its slot from
        // this table: the slot IndexOf gives for that same text, computed once here.
        _slotsByCategory = new int[]?[encoders.Length];
        for (var e = 0; e < encoders.Length; e++)
        {
            if (encoders[e] is CategoricalEncoder categorical && _cells[e] >= 0 && categoryLists is not null
                && _cells[e] < categoryLists.Count && categoryLists[_cells[e]] is { } list)
            {
                _slotsByCategory[e] = [.. list.Select(text => categorical.IndexOf(text.AsSpan(), false))];
            }
        }
        CoversEveryEncoder = encoders.All(e => e is NumericEncoder or CategoricalEncoder);
        _plan = [.. encoders.Select(e => (e.Manifest.Offset, e.Manifest.Width, e as NumericEncoder, e as CategoricalEncoder))];
        _anyOneHot = encoders.Any(e => e is CategoricalEncoder { OneHot: true });
    }

    /// <summary>False when a column's encoding (text) is never done here: <see cref="TryEncode"/> always returns false.</summary>
    public bool CoversEveryEncoder { get; }

    /// <summary>
    /// Encodes one line's cells (indexed as the columns given at creation); false when the caller
    /// must use the dictionary path. A text cell whose <see cref="ParsedCell.Category"/> is set is
    /// encoded from it (its position in the list given for its column) without looking it up again.
    /// </summary>
    public bool TryEncode(ReadOnlySpan<char> line, ReadOnlySpan<ParsedCell> cells, Span<float> features)
    {
        if (!CoversEveryEncoder)
        {
            return false;
        }
        if (_anyOneHot)
        {
            // One clear of the row instead of one per one-hot column (each column's slots are its
            // own and every other encoder writes all of its slots).
            features.Clear();
        }
        for (var e = 0; e < _plan.Length; e++)
        {
            var (offset, width, numeric, categorical) = _plan[e];
            var index = _cells[e];
            var cell = index < 0 ? default : cells[index];
            var slots = features.Slice(offset, width);
            if (numeric is not null)
            {
                if (cell.Kind == CellKind.Text)
                {
                    return false;
                }
                numeric.Encode(cell.Kind == CellKind.Number ? cell.Number : double.NaN, slots);
            }
            else
            {
                if (cell.Kind == CellKind.Number)
                {
                    return false;
                }
                var slot = cell.Kind == CellKind.Text && cell.Category >= 0 && _slotsByCategory[e] is { } known && cell.Category < known.Length
                    ? known[cell.Category]
                    : categorical!.IndexOf(line.Slice(cell.Start, cell.Length), cell.Kind == CellKind.Missing);
                if (categorical!.OneHot)
                {
                    slots[slot] = 1f;
                }
                else
                {
                    slots[0] = slot;
                }
            }
        }
        return true;
    }
}
