using System.Runtime.CompilerServices;
using Lockstep.Data.Tables;
using Parquet;
using Parquet.Schema;

namespace Lockstep.Data.Snapshots;

/// <summary>
/// Reads a snapshot row group by row group, so a consumer that streams holds one row group
/// (at most <see cref="SnapshotWriter.RowGroupSize"/> rows) at a time.
/// </summary>
public sealed class SnapshotReader : IAsyncDisposable
{
    private readonly Stream _stream;
    private readonly ParquetReader _reader;
    private readonly DataField[] _fields;

    private SnapshotReader(string path, Stream stream, ParquetReader reader, DataField[] fields, IReadOnlyList<ColumnInfo> layout)
    {
        Path = path;
        _stream = stream;
        _reader = reader;
        _fields = fields;
        Layout = layout;
        RowCount = Enumerable.Range(0, reader.RowGroupCount).Sum(i => reader.RowGroups[i].RowCount);
    }

    public string Path { get; }

    public IReadOnlyList<ColumnInfo> Layout { get; }

    public long RowCount { get; }

    /// <summary>The file's key-value metadata (includes <c>lockstep.format</c>).</summary>
    public IReadOnlyDictionary<string, string> Metadata => _reader.CustomMetadata;

    /// <summary>Opens a snapshot; a file that is not one (or a newer format) is a <see cref="DataException"/> naming it.</summary>
    public static async Task<SnapshotReader> OpenAsync(string path, CancellationToken cancellationToken)
    {
        Stream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataException($"cannot open snapshot {path}: {e.Message}");
        }
        try
        {
            ParquetReader reader;
            try
            {
                reader = await ParquetReader.CreateAsync(stream, null, leaveStreamOpen: true, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or InvalidDataException or NotSupportedException or ArgumentException or InvalidOperationException)
            {
                throw new DataException($"{path} is not a readable Parquet snapshot ({e.Message}); produce it with an ingest step");
            }
            if (!reader.CustomMetadata.TryGetValue(SnapshotWriter.FormatKey, out var format) || format != SnapshotWriter.FormatVersion)
            {
                await reader.DisposeAsync().ConfigureAwait(false);
                throw new DataException(format is null
                    ? $"{path} is a Parquet file but not a Lockstep snapshot (no '{SnapshotWriter.FormatKey}' metadata); ingest it with an ingest step first"
                    : $"{path} is snapshot format '{format}', this version reads '{SnapshotWriter.FormatVersion}'; upgrade Lockstep or re-ingest the data");
            }
            var fields = reader.Schema.GetDataFields();
            var layout = fields.Select(f => new ColumnInfo(f.Name, TypeOf(f, path))).ToArray();
            return new SnapshotReader(path, stream, reader, fields, layout);
        }
        catch
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The snapshot's row groups as tables, in order.</summary>
    public async IAsyncEnumerable<Table> ReadBatchesAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        for (var g = 0; g < _reader.RowGroupCount; g++)
        {
            yield return await ReadRowGroupAsync(g, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The whole snapshot as one table.</summary>
    public async Task<Table> ReadAllAsync(CancellationToken cancellationToken)
    {
        if (RowCount > Array.MaxLength)
        {
            throw new DataException($"{Path} has {RowCount} rows, too many to load at once; read it in batches");
        }
        var builders = Layout.Select(c => new ColumnBuilder(c.Name, c.Type, (int)Math.Max(16, RowCount))).ToArray();
        await foreach (var batch in ReadBatchesAsync(cancellationToken).ConfigureAwait(false))
        {
            for (var i = 0; i < builders.Length; i++)
            {
                builders[i].AddRange(batch.Columns[i], 0, batch.RowCount);
            }
        }
        return new Table(builders.Select(b => b.Build()).ToArray());
    }

    public async ValueTask DisposeAsync()
    {
        await _reader.DisposeAsync().ConfigureAwait(false);
        await _stream.DisposeAsync().ConfigureAwait(false);
    }

    private async Task<Table> ReadRowGroupAsync(int index, CancellationToken cancellationToken)
    {
        using var group = _reader.OpenRowGroupReader(index);
        var rows = checked((int)group.RowCount);
        var columns = new Column[_fields.Length];
        for (var i = 0; i < _fields.Length; i++)
        {
            var field = _fields[i];
            var name = Layout[i].Name;
            switch (Layout[i].Type)
            {
                case ColumnType.Int64:
                    var l = new long?[rows];
                    await group.ReadAsync<long>(field, l.AsMemory(), null, cancellationToken).ConfigureAwait(false);
                    columns[i] = Column.WrapInt64(name, l);
                    break;
                case ColumnType.Double:
                    var d = new double?[rows];
                    await group.ReadAsync<double>(field, d.AsMemory(), null, cancellationToken).ConfigureAwait(false);
                    columns[i] = Column.WrapDouble(name, d);
                    break;
                case ColumnType.String:
                    var s = new string?[rows];
                    await group.ReadAsync(field, s.AsMemory(), null, cancellationToken).ConfigureAwait(false);
                    columns[i] = Column.WrapString(name, s);
                    break;
                default:
                    var b = new bool?[rows];
                    await group.ReadAsync<bool>(field, b.AsMemory(), null, cancellationToken).ConfigureAwait(false);
                    columns[i] = Column.WrapBoolean(name, b);
                    break;
            }
        }
        return new Table(columns);
    }

    private static ColumnType TypeOf(DataField field, string path)
    {
        var t = Nullable.GetUnderlyingType(field.ClrType) ?? field.ClrType;
        if (t == typeof(long))
        {
            return ColumnType.Int64;
        }
        if (t == typeof(double))
        {
            return ColumnType.Double;
        }
        if (t == typeof(string) || t == typeof(ReadOnlyMemory<char>))
        {
            return ColumnType.String;
        }
        if (t == typeof(bool))
        {
            return ColumnType.Boolean;
        }
        throw new DataException($"{path}: column '{field.Name}' has Parquet type {t.Name}, which snapshot/1 does not use; re-ingest the data");
    }
}
