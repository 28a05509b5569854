using Parquet;
using Parquet.Schema;

namespace Lockstep.Data.Ingest;

/// <summary>
/// Rows of any flat Parquet file (not only snapshots), one row group in memory at a time. Values
/// are handed on as text so that typing and inference work as for delimited files.
/// </summary>
internal sealed class ParquetRecordSource : IRecordSource
{
    private readonly Stream _stream;
    private readonly ParquetReader _reader;
    private readonly DataField[] _fields;
    private readonly FieldBuffer _buffer = new();
    private Array?[] _group = [];
    private int _groupIndex = -1;
    private int _row;
    private int _groupRows;

    private ParquetRecordSource(string description, Stream stream, ParquetReader reader, DataField[] fields)
    {
        Description = description;
        _stream = stream;
        _reader = reader;
        _fields = fields;
        Header = fields.Select(f => f.Name).ToArray();
    }

    public string Description { get; }

    public IReadOnlyList<string>? Header { get; }

    public int FieldCount => _buffer.Count;

    public long Line { get; private set; }

    public long Offset => -1;

    public ReadOnlySpan<byte> Raw => _buffer.Raw;

    public static Func<CancellationToken, ValueTask<IRecordSource>> Open(string path, string description) => async ct =>
    {
        var stream = File.OpenRead(path);
        try
        {
            var reader = await ParquetReader.CreateAsync(stream, null, leaveStreamOpen: true, ct).ConfigureAwait(false);
            var schemaFields = reader.Schema.Fields;
            var fields = reader.Schema.GetDataFields();
            if (schemaFields.Count != fields.Length || fields.Any(f => f.IsArray))
            {
                throw new DataException($"{description} has nested or repeated Parquet columns; only flat tables can be ingested");
            }
            return new ParquetRecordSource(description, stream, reader, fields);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or NotSupportedException or ArgumentException or InvalidOperationException)
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            throw new DataException($"{description} is not a readable Parquet file: {e.Message}");
        }
    };

    public ReadOnlySpan<byte> Field(int index) => _buffer.Field(index);

    public bool IsNull(int index) => _buffer.IsNull(index);

    public async ValueTask<bool> ReadAsync(CancellationToken cancellationToken)
    {
        while (_row >= _groupRows)
        {
            if (++_groupIndex >= _reader.RowGroupCount)
            {
                return false;
            }
            using var group = _reader.OpenRowGroupReader(_groupIndex);
            _groupRows = checked((int)group.RowCount);
            _row = 0;
            _group = new Array?[_fields.Length];
            for (var i = 0; i < _fields.Length; i++)
            {
                using var raw = await group.ReadRawColumnDataBaseAsync(_fields[i], cancellationToken).ConfigureAwait(false);
                _group[i] = ToArray(raw, _groupRows);
            }
        }
        Line++;
        _buffer.Clear();
        for (var i = 0; i < _fields.Length; i++)
        {
            var value = _group[i]!.GetValue(_row);
            switch (value)
            {
                case null: _buffer.AddNull(); break;
                case long l: _buffer.Add(l); break;
                case int n: _buffer.Add(n); break;
                case short s: _buffer.Add(s); break;
                case byte b: _buffer.Add(b); break;
                case double d: _buffer.Add(d); break;
                case float f: _buffer.Add(f); break;
                case decimal m: _buffer.Add(m); break;
                case bool t: _buffer.Add(t ? "true" : "false"); break;
                case DateTime dt: _buffer.Add(dt.ToString("O", System.Globalization.CultureInfo.InvariantCulture)); break;
                case ReadOnlyMemory<char> chars: _buffer.Add(new string(chars.Span)); break;
                default: _buffer.Add(value.ToString() ?? ""); break;
            }
        }
        _row++;
        return true;
    }

    public async ValueTask DisposeAsync()
    {
        await _reader.DisposeAsync().ConfigureAwait(false);
        await _stream.DisposeAsync().ConfigureAwait(false);
    }

    private static Array ToArray(Parquet.Data.RawColumnData raw, int rows)
    {
        // RawColumnData<T> exposes NullableValues (nullable columns) or Values; reflection keeps this type-agnostic.
        var type = raw.GetType();
        var nullable = type.GetProperty("NullableValues");
        object? span = null;
        try
        {
            span = nullable?.GetValue(raw);
        }
        catch (System.Reflection.TargetInvocationException)
        {
            span = null;
        }
        span ??= type.GetProperty("Values")!.GetValue(raw);
        var toArray = span!.GetType().GetMethod("ToArray")!;
        var array = (Array)toArray.Invoke(span, null)!;
        return array.Length == rows ? array : throw new DataException($"a Parquet column has {array.Length} values for {rows} rows; the file may be damaged");
    }
}
