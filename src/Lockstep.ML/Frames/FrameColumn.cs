namespace Lockstep.ML.Frames;

/// <summary>
/// One column of a <see cref="Frame"/>: either <see cref="Numbers"/> (NaN marks a missing value)
/// or <see cref="Texts"/> (null marks a missing value).
/// </summary>
public sealed class FrameColumn
{
    private FrameColumn(string name, double[]? numbers, string?[]? texts)
    {
        Name = name;
        Numbers = numbers;
        Texts = texts;
    }

    public string Name { get; }

    public double[]? Numbers { get; }

    public string?[]? Texts { get; }

    public ColumnKind Kind => Numbers is null ? ColumnKind.Text : ColumnKind.Numeric;

    public int Length => Numbers?.Length ?? Texts!.Length;

    public static FrameColumn Numeric(string name, double[] values) => new(name, values, null);

    public static FrameColumn Text(string name, string?[] values) => new(name, null, values);

    /// <summary>True when row <paramref name="row"/> holds no value.</summary>
    public bool IsMissing(int row) => Numbers is { } n ? double.IsNaN(n[row]) : Texts![row] is null;

    /// <summary>The value of a row as text: numbers in invariant round-trip form, null when missing.</summary>
    public string? TextAt(int row) => Numbers is { } n
        ? double.IsNaN(n[row]) ? null : n[row].ToString("R", System.Globalization.CultureInfo.InvariantCulture)
        : Texts![row];

    /// <summary>The rows at <paramref name="rows"/>, in that order.</summary>
    public FrameColumn Take(IReadOnlyList<int> rows)
    {
        if (Numbers is { } n)
        {
            var copy = new double[rows.Count];
            for (var i = 0; i < copy.Length; i++)
            {
                copy[i] = n[rows[i]];
            }
            return Numeric(Name, copy);
        }
        var texts = new string?[rows.Count];
        for (var i = 0; i < texts.Length; i++)
        {
            texts[i] = Texts![rows[i]];
        }
        return Text(Name, texts);
    }
}
