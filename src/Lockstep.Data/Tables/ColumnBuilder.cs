namespace Lockstep.Data.Tables;

/// <summary>
/// Collects the values of one column, growing as needed, then hands them to a <see cref="Column"/>
/// without another copy. Mutable and single-use per <see cref="Build"/>; not thread-safe.
/// </summary>
public sealed class ColumnBuilder
{
    private long?[] _int64 = [];
    private double?[] _double = [];
    private string?[] _string = [];
    private bool?[] _boolean = [];

    private readonly int _capacity;

    /// <param name="capacity">Values expected per <see cref="Build"/>; the builder starts that large after each build.</param>
    public ColumnBuilder(string name, ColumnType type, int capacity = 1024)
    {
        Name = name;
        Type = type;
        _capacity = capacity;
        Reset(capacity);
    }

    public string Name { get; }

    public ColumnType Type { get; }

    public int Count { get; private set; }

    public void AddNull()
    {
        Grow();
        switch (Type)
        {
            case ColumnType.Int64: _int64[Count] = null; break;
            case ColumnType.Double: _double[Count] = null; break;
            case ColumnType.String: _string[Count] = null; break;
            default: _boolean[Count] = null; break;
        }
        Count++;
    }

    public void Add(long? value)
    {
        if (Count == _int64.Length)
        {
            Grow();
        }
        _int64[Count++] = value;
    }

    public void Add(double? value)
    {
        if (Count == _double.Length)
        {
            Grow();
        }
        _double[Count++] = value;
    }

    public void Add(string? value)
    {
        if (Count == _string.Length)
        {
            Grow();
        }
        _string[Count++] = value;
    }

    public void Add(bool? value)
    {
        if (Count == _boolean.Length)
        {
            Grow();
        }
        _boolean[Count++] = value;
    }

    /// <summary>Drops values after the first <paramref name="count"/> (undoes a half-added row).</summary>
    public void Truncate(int count)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, Count);
        Count = count;
    }

    /// <summary>Appends rows of a column of the same type.</summary>
    public void AddRange(Column source, int start, int count)
    {
        if (source.Type != Type)
        {
            throw new ArgumentException($"column '{source.Name}' is {source.Type.ToName()}, the builder is {Type.ToName()}", nameof(source));
        }
        EnsureCapacity(Count + count);
        switch (Type)
        {
            case ColumnType.Int64: source.Int64Values.Span.Slice(start, count).CopyTo(_int64.AsSpan(Count)); break;
            case ColumnType.Double: source.DoubleValues.Span.Slice(start, count).CopyTo(_double.AsSpan(Count)); break;
            case ColumnType.String: source.StringValues.Span.Slice(start, count).CopyTo(_string.AsSpan(Count)); break;
            default: source.BooleanValues.Span.Slice(start, count).CopyTo(_boolean.AsSpan(Count)); break;
        }
        Count += count;
    }

    private Array? _spare;

    /// <summary>
    /// Hands the array behind <paramref name="column"/> (built by this builder, no longer used by
    /// anyone) back for the next batch, so steady-state ingest allocates no new batch arrays.
    /// </summary>
    internal void Recycle(Column column)
    {
        var array = column.Backing;
        if (column.Type == Type && array.Length == _capacity)
        {
            _spare = array;
        }
    }

    /// <summary>The collected values as a column; the builder starts empty again.</summary>
    public Column Build()
    {
        var column = Type switch
        {
            ColumnType.Int64 => Column.WrapInt64(Name, Trim(_int64)),
            ColumnType.Double => Column.WrapDouble(Name, Trim(_double)),
            ColumnType.String => Column.WrapString(Name, Trim(_string)),
            _ => Column.WrapBoolean(Name, Trim(_boolean)),
        };
        Reset(Math.Max(16, _capacity));
        return column;
    }

    private T[] Trim<T>(T[] array) => array.Length == Count ? array : array.AsSpan(0, Count).ToArray();

    private void Reset(int capacity)
    {
        Count = 0;
        if (_spare is not null)
        {
            switch (Type)
            {
                case ColumnType.Int64: _int64 = (long?[])_spare; break;
                case ColumnType.Double: _double = (double?[])_spare; break;
                case ColumnType.String: _string = (string?[])_spare; Array.Clear(_string); break;
                default: _boolean = (bool?[])_spare; break;
            }
            _spare = null;
            return;
        }
        switch (Type)
        {
            case ColumnType.Int64: _int64 = new long?[capacity]; break;
            case ColumnType.Double: _double = new double?[capacity]; break;
            case ColumnType.String: _string = new string?[capacity]; break;
            default: _boolean = new bool?[capacity]; break;
        }
    }

    private void Grow() => EnsureCapacity(Count + 1);

    private void EnsureCapacity(int needed)
    {
        var current = Type switch
        {
            ColumnType.Int64 => _int64.Length,
            ColumnType.Double => _double.Length,
            ColumnType.String => _string.Length,
            _ => _boolean.Length,
        };
        if (needed <= current)
        {
            return;
        }
        var size = Math.Max(needed, Math.Max(16, current * 2));
        switch (Type)
        {
            case ColumnType.Int64: Array.Resize(ref _int64, size); break;
            case ColumnType.Double: Array.Resize(ref _double, size); break;
            case ColumnType.String: Array.Resize(ref _string, size); break;
            default: Array.Resize(ref _boolean, size); break;
        }
    }
}
