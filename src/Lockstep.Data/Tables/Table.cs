namespace Lockstep.Data.Tables;

/// <summary>An immutable table: named columns of equal length, in order.</summary>
public sealed class Table
{
    private readonly Dictionary<string, int> _index;

    /// <summary>A table of the given columns; they must have unique names and equal lengths.</summary>
    public Table(IReadOnlyList<Column> columns)
    {
        ArgumentNullException.ThrowIfNull(columns);
        Columns = columns.ToArray();
        _index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < Columns.Count; i++)
        {
            var c = Columns[i];
            if (!_index.TryAdd(c.Name, i))
            {
                throw new ArgumentException($"column name '{c.Name}' appears twice", nameof(columns));
            }
            if (c.Length != Columns[0].Length)
            {
                throw new ArgumentException($"column '{c.Name}' has {c.Length} rows but '{Columns[0].Name}' has {Columns[0].Length}", nameof(columns));
            }
        }
        RowCount = Columns.Count == 0 ? 0 : Columns[0].Length;
    }

    public IReadOnlyList<Column> Columns { get; }

    public int RowCount { get; }

    public IEnumerable<string> ColumnNames => Columns.Select(c => c.Name);

    /// <summary>The names and types of the columns, in order.</summary>
    public IReadOnlyList<ColumnInfo> Layout => Columns.Select(c => new ColumnInfo(c.Name, c.Type)).ToArray();

    /// <summary>A table with no rows and the given columns.</summary>
    public static Table Empty(IReadOnlyList<ColumnInfo> layout) => new(layout.Select(c => Column.Nulls(c.Name, c.Type, 0)).ToArray());

    /// <summary>The column named <paramref name="name"/> (ordinal, case-sensitive).</summary>
    public Column this[string name] => TryGetColumn(name, out var c)
        ? c
        : throw new KeyNotFoundException($"no column '{name}'; the table has {string.Join(", ", ColumnNames.Select(n => $"'{n}'"))}");

    public bool TryGetColumn(string name, out Column column)
    {
        if (_index.TryGetValue(name, out var i))
        {
            column = Columns[i];
            return true;
        }
        column = null!;
        return false;
    }

    /// <summary>Position of the column, or -1.</summary>
    public int IndexOf(string name) => _index.TryGetValue(name, out var i) ? i : -1;

    /// <summary>A table of the given rows in the given order (rows may repeat), e.g. a train/test split.</summary>
    public Table Select(IReadOnlyList<int> rows) => new(Columns.Select(c => c.Select(rows)).ToArray());

    /// <summary>A table of the named columns, in the given order.</summary>
    public Table SelectColumns(IEnumerable<string> names) => new(names.Select(n => this[n]).ToArray());

    /// <summary>Rows <paramref name="start"/> to <paramref name="start"/>+<paramref name="count"/>.</summary>
    public Table Slice(int start, int count) => new(Columns.Select(c => c.Slice(start, count)).ToArray());

    /// <summary>The row as a name → value map (values as from <see cref="Column.GetValue"/>).</summary>
    public IReadOnlyDictionary<string, object?> GetRow(int row)
    {
        var result = new Dictionary<string, object?>(Columns.Count, StringComparer.Ordinal);
        foreach (var c in Columns)
        {
            result[c.Name] = c.GetValue(row);
        }
        return result;
    }

    public override string ToString() => $"{RowCount} rows × {Columns.Count} columns";
}
