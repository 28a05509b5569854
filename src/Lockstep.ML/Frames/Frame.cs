using Lockstep.Errors;

namespace Lockstep.ML.Frames;

/// <summary>
/// An in-memory table, column by column, that the ML steps work on. Column order is the order of
/// the source file, and it is kept everywhere so that results do not depend on dictionary order.
/// </summary>
public sealed class Frame
{
    private readonly Dictionary<string, FrameColumn> _byName;

    public Frame(IReadOnlyList<FrameColumn> columns)
    {
        Columns = columns;
        _byName = new Dictionary<string, FrameColumn>(StringComparer.Ordinal);
        foreach (var column in columns)
        {
            if (!_byName.TryAdd(column.Name, column))
            {
                throw new ArgumentException($"column '{column.Name}' appears twice", nameof(columns));
            }
        }
        RowCount = columns.Count == 0 ? 0 : columns[0].Length;
        if (columns.Any(c => c.Length != RowCount))
        {
            throw new ArgumentException("columns have different lengths", nameof(columns));
        }
    }

    public IReadOnlyList<FrameColumn> Columns { get; }

    public int RowCount { get; }

    public bool TryGet(string name, out FrameColumn column) => _byName.TryGetValue(name, out column!);

    /// <summary>The column called <paramref name="name"/>, or an error that lists the columns there are.</summary>
    public FrameColumn this[string name] => _byName.TryGetValue(name, out var column)
        ? column
        : throw new StepInputException($"there is no column '{name}'; the data has {string.Join(", ", Columns.Select(c => $"'{c.Name}'"))}");

    /// <summary>A new frame with the rows at <paramref name="rows"/>, in that order.</summary>
    public Frame Take(IReadOnlyList<int> rows) => new(Columns.Select(c => c.Take(rows)).ToList());
}
