using System.Runtime.ExceptionServices;

namespace Lockstep.Data.Ingest;

/// <summary>
/// A run of records copied out of a source (raw bytes, fields, line, offset), so that one thread
/// can cut the next records while another converts these (see <see cref="IngestPass"/>). As an
/// <see cref="IRecordSource"/> it presents the record chosen by <see cref="MoveTo"/> exactly as the
/// source presented it, so conversion, error messages and rejects do not change. Bounded: it is
/// full after <see cref="MaxRecords"/> records or <see cref="MaxBytes"/> bytes (a single longer
/// record still fits: the buffer grows to hold it).
/// </summary>
internal sealed class RecordBatch(string description) : IRecordSource
{
    public const int MaxRecords = 4096;
    public const int MaxBytes = 2 << 20;

    private byte[] _bytes = new byte[MaxBytes + (64 << 10)];
    private int _used;

    private int[] _fieldStart = new int[MaxRecords * 16];
    private int[] _fieldLength = new int[MaxRecords * 16];
    private bool[] _fieldNull = new bool[MaxRecords * 16];
    private int _fields;

    private readonly int[] _firstField = new int[MaxRecords];
    private readonly int[] _fieldCount = new int[MaxRecords];
    private readonly int[] _rawStart = new int[MaxRecords];
    private readonly int[] _rawLength = new int[MaxRecords];
    private readonly long[] _line = new long[MaxRecords];
    private readonly long[] _offset = new long[MaxRecords];

    private int _current;
    private int _first;

    /// <summary>Records held.</summary>
    public int Count { get; private set; }

    public bool IsFull => Count == MaxRecords || _used >= MaxBytes;

    /// <summary>The source failed after this batch's last record; rethrow once they are converted.</summary>
    public ExceptionDispatchInfo? Error { get; set; }

    public string Description { get; } = description;

    public IReadOnlyList<string>? Header => null;

    public int FieldCount => _fieldCount[_current];

    public long Line => _line[_current];

    public long Offset => _offset[_current];

    public ReadOnlySpan<byte> Raw => _bytes.AsSpan(_rawStart[_current], _rawLength[_current]);

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public ReadOnlySpan<byte> Field(int index) => _bytes.AsSpan(_fieldStart[_first + index], _fieldLength[_first + index]);

    public bool IsNull(int index) => _fieldNull[_first + index];

    /// <summary>Makes record <paramref name="index"/> the current one.</summary>
    public void MoveTo(int index)
    {
        _current = index;
        _first = _firstField[index];
    }

    public void Clear()
    {
        Count = 0;
        _used = 0;
        _fields = 0;
        Error = null;
    }

    /// <summary>Copies the source's current record.</summary>
    public void Add(IRecordSource source)
    {
        var raw = source.Raw;
        var n = source.FieldCount;
        var r = Count++;
        var rawStart = Append(raw);
        _rawStart[r] = rawStart;
        _rawLength[r] = raw.Length;
        _line[r] = source.Line;
        _offset[r] = source.Offset;
        _firstField[r] = _fields;
        _fieldCount[r] = n;
        if (_fields + n > _fieldStart.Length)
        {
            var size = Math.Max(_fieldStart.Length * 2, _fields + n);
            Array.Resize(ref _fieldStart, size);
            Array.Resize(ref _fieldLength, size);
            Array.Resize(ref _fieldNull, size);
        }
        if (source is DelimitedReader text)
        {
            // Most fields are slices of the record itself: point into the copied raw bytes.
            for (var i = 0; i < n; i++)
            {
                var f = _fields + i;
                _fieldNull[f] = false;
                if (text.FieldInRecord(i, out var start, out var length))
                {
                    _fieldStart[f] = rawStart + start;
                    _fieldLength[f] = length;
                }
                else
                {
                    var field = text.Field(i);
                    _fieldStart[f] = Append(field);
                    _fieldLength[f] = field.Length;
                }
            }
        }
        else
        {
            for (var i = 0; i < n; i++)
            {
                var f = _fields + i;
                var field = source.Field(i);
                _fieldNull[f] = source.IsNull(i);
                _fieldStart[f] = Append(field);
                _fieldLength[f] = field.Length;
            }
        }
        _fields += n;
    }

    private int Append(ReadOnlySpan<byte> bytes)
    {
        if (_used + bytes.Length > _bytes.Length)
        {
            Array.Resize(ref _bytes, Math.Max(_bytes.Length * 2, _used + bytes.Length));
        }
        var at = _used;
        bytes.CopyTo(_bytes.AsSpan(at));
        _used += bytes.Length;
        return at;
    }

    public ValueTask<bool> ReadAsync(CancellationToken cancellationToken) =>
        throw new NotSupportedException("a record batch is read with MoveTo");

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
