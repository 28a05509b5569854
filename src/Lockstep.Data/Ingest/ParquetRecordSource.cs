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
                _group[i] = await ReadColumnAsync(group, _fields[i], _groupRows, Description, cancellationToken).ConfigureAwait(false);
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

    private static async Task<Array> ReadColumnAsync(ParquetRowGroupReader group, DataField field, int rows, string description, CancellationToken ct)
    {
        var t = Nullable.GetUnderlyingType(field.ClrType) ?? field.ClrType;
        if (t == typeof(string) || t == typeof(ReadOnlyMemory<char>))
        {
            var s = new string?[rows];
            await group.ReadAsync(field, s.AsMemory(), null, ct).ConfigureAwait(false);
            return s;
        }
        return t switch
        {
            _ when t == typeof(long) => await ReadAsync<long>(group, field, rows, ct).ConfigureAwait(false),
            _ when t == typeof(int) => await ReadAsync<int>(group, field, rows, ct).ConfigureAwait(false),
            _ when t == typeof(short) => await ReadAsync<short>(group, field, rows, ct).ConfigureAwait(false),
            _ when t == typeof(byte) => await ReadAsync<byte>(group, field, rows, ct).ConfigureAwait(false),
            _ when t == typeof(double) => await ReadAsync<double>(group, field, rows, ct).ConfigureAwait(false),
            _ when t == typeof(float) => await ReadAsync<float>(group, field, rows, ct).ConfigureAwait(false),
            _ when t == typeof(decimal) => await ReadAsync<decimal>(group, field, rows, ct).ConfigureAwait(false),
            _ when t == typeof(bool) => await ReadAsync<bool>(group, field, rows, ct).ConfigureAwait(false),
            _ when t == typeof(DateTime) => await ReadAsync<DateTime>(group, field, rows, ct).ConfigureAwait(false),
            _ => throw new DataException($"{description}: column '{field.Name}' has Parquet type {t.Name}, which ingest does not read; convert it to a number, text or boolean"),
        };
    }

    private static async Task<Array> ReadAsync<T>(ParquetRowGroupReader group, DataField field, int rows, CancellationToken ct) where T : struct
    {
        if (field.IsNullable)
        {
            var nullable = new T?[rows];
            await group.ReadAsync<T>(field, nullable.AsMemory(), null, ct).ConfigureAwait(false);
            return nullable;
        }
        var values = new T[rows];
        await group.ReadAsync<T>(field, values.AsMemory(), null, ct).ConfigureAwait(false);
        return values;
    }
}
