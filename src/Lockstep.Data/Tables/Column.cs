namespace Lockstep.Data.Tables;

/// <summary>
/// An immutable, named, typed column of nullable values. Values live in one array of the column's
/// CLR type (<c>long?</c>, <c>double?</c>, <c>string?</c> or <c>bool?</c>), which is also the
/// shape Parquet.Net reads and writes, so snapshots move without conversion.
/// </summary>
public sealed class Column
{
    private readonly long?[]? _int64;
    private readonly double?[]? _double;
    private readonly string?[]? _string;
    private readonly bool?[]? _boolean;

    private Column(string name, ColumnType type, int length, long?[]? i, double?[]? d, string?[]? s, bool?[]? b)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
        Type = type;
        Length = length;
        _int64 = i;
        _double = d;
        _string = s;
        _boolean = b;
    }

    public string Name { get; }

    public ColumnType Type { get; }

    /// <summary>Number of rows.</summary>
    public int Length { get; }

    /// <summary>A column of integers; the values are copied.</summary>
    public static Column FromInt64(string name, IEnumerable<long?> values) => WrapInt64(name, values.ToArray());

    /// <summary>A column of doubles; the values are copied.</summary>
    public static Column FromDouble(string name, IEnumerable<double?> values) => WrapDouble(name, values.ToArray());

    /// <summary>A column of text; the values are copied.</summary>
    public static Column FromString(string name, IEnumerable<string?> values) => WrapString(name, values.ToArray());

    /// <summary>A column of booleans; the values are copied.</summary>
    public static Column FromBoolean(string name, IEnumerable<bool?> values) => WrapBoolean(name, values.ToArray());

    /// <summary>A column of <paramref name="length"/> nulls.</summary>
    public static Column Nulls(string name, ColumnType type, int length) => type switch
    {
        ColumnType.Int64 => WrapInt64(name, new long?[length]),
        ColumnType.Double => WrapDouble(name, new double?[length]),
        ColumnType.String => WrapString(name, new string?[length]),
        ColumnType.Boolean => WrapBoolean(name, new bool?[length]),
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    // The Wrap* factories take ownership of the array without copying: callers must not change it afterwards.
    internal static Column WrapInt64(string name, long?[] values) => new(name, ColumnType.Int64, values.Length, values, null, null, null);

    internal static Column WrapDouble(string name, double?[] values) => new(name, ColumnType.Double, values.Length, null, values, null, null);

    internal static Column WrapString(string name, string?[] values) => new(name, ColumnType.String, values.Length, null, null, values, null);

    internal static Column WrapBoolean(string name, bool?[] values) => new(name, ColumnType.Boolean, values.Length, null, null, null, values);

    /// <summary>The value at <paramref name="row"/> boxed (long, double, string or bool), or null.</summary>
    public object? GetValue(int row) => Type switch
    {
        ColumnType.Int64 => _int64![row],
        ColumnType.Double => _double![row],
        ColumnType.String => _string![row],
        _ => _boolean![row],
    };

    public bool IsNull(int row) => Type switch
    {
        ColumnType.Int64 => !_int64![row].HasValue,
        ColumnType.Double => !_double![row].HasValue,
        ColumnType.String => _string![row] is null,
        _ => !_boolean![row].HasValue,
    };

    /// <summary>Number of null values.</summary>
    public int NullCount
    {
        get
        {
            var n = 0;
            for (var i = 0; i < Length; i++)
            {
                if (IsNull(i))
                {
                    n++;
                }
            }
            return n;
        }
    }

    public long? GetInt64(int row) => Int64Values.Span[row];

    /// <summary>The value as a double; works on Int64 columns too (converted), which is what numeric features want.</summary>
    public double? GetDouble(int row) => Type == ColumnType.Int64 ? _int64![row] : DoubleValues.Span[row];

    public string? GetString(int row) => StringValues.Span[row];

    public bool? GetBoolean(int row) => BooleanValues.Span[row];

    public ReadOnlyMemory<long?> Int64Values => _int64 ?? throw WrongType(ColumnType.Int64);

    public ReadOnlyMemory<double?> DoubleValues => _double ?? throw WrongType(ColumnType.Double);

    public ReadOnlyMemory<string?> StringValues => _string ?? throw WrongType(ColumnType.String);

    public ReadOnlyMemory<bool?> BooleanValues => _boolean ?? throw WrongType(ColumnType.Boolean);

    /// <summary>A column with the same name and type holding the given rows, in that order.</summary>
    public Column Select(IReadOnlyList<int> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        return Type switch
        {
            ColumnType.Int64 => WrapInt64(Name, Pick(_int64!, rows)),
            ColumnType.Double => WrapDouble(Name, Pick(_double!, rows)),
            ColumnType.String => WrapString(Name, Pick(_string!, rows)),
            _ => WrapBoolean(Name, Pick(_boolean!, rows)),
        };
    }

    /// <summary>The same values under another name.</summary>
    public Column Rename(string name) => new(name, Type, Length, _int64, _double, _string, _boolean);

    /// <summary>Rows <paramref name="start"/> to <paramref name="start"/>+<paramref name="count"/>, copied.</summary>
    public Column Slice(int start, int count) => Type switch
    {
        ColumnType.Int64 => WrapInt64(Name, _int64.AsSpan(start, count).ToArray()),
        ColumnType.Double => WrapDouble(Name, _double.AsSpan(start, count).ToArray()),
        ColumnType.String => WrapString(Name, _string.AsSpan(start, count).ToArray()),
        _ => WrapBoolean(Name, _boolean.AsSpan(start, count).ToArray()),
    };

    /// <summary>The storage array (for recycling by <see cref="ColumnBuilder"/>).</summary>
    internal Array Backing => (Array?)_int64 ?? (Array?)_double ?? (Array?)_string ?? _boolean!;

    public override string ToString() => $"{Name}: {Type.ToName()} × {Length}";

    private static T[] Pick<T>(T[] source, IReadOnlyList<int> rows)
    {
        var result = new T[rows.Count];
        for (var i = 0; i < result.Length; i++)
        {
            var r = rows[i];
            if ((uint)r >= (uint)source.Length)
            {
                throw new ArgumentOutOfRangeException(nameof(rows), r, $"row {r} is outside 0..{source.Length - 1}");
            }
            result[i] = source[r];
        }
        return result;
    }

    private InvalidOperationException WrongType(ColumnType wanted) =>
        new($"column '{Name}' is {Type.ToName()}, not {wanted.ToName()}");
}
