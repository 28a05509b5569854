using Lockstep.Data.Tables;
using Parquet;
using Parquet.Schema;

namespace Lockstep.Data.Snapshots;

/// <summary>
/// Writes a snapshot (see SNAPSHOT-FORMAT.md) batch by batch: rows are buffered only up to one
/// row group (<see cref="RowGroupSize"/> rows), so memory stays bounded however many rows arrive.
/// Row groups always hold exactly <see cref="RowGroupSize"/> rows (the last one fewer), whatever
/// the batch sizes, so the bytes depend on the data alone. Call <see cref="CompleteAsync"/>, then dispose.
/// </summary>
public sealed class SnapshotWriter : IAsyncDisposable
{
    /// <summary>Rows per Parquet row group. Part of the format: changing it changes every snapshot's bytes.</summary>
    public const int RowGroupSize = 32_768;

    /// <summary>The value of the file metadata key <see cref="FormatKey"/>.</summary>
    public const string FormatVersion = "snapshot/1";

    /// <summary>File key-value metadata key naming the format version.</summary>
    public const string FormatKey = "lockstep.format";

    private readonly Stream _stream;
    private readonly bool _ownsStream;
    private readonly ParquetWriter _writer;
    private readonly DataField[] _fields;
    private readonly ColumnBuilder[] _buffer;
    private bool _completed;

    private SnapshotWriter(Stream stream, bool ownsStream, ParquetWriter writer, IReadOnlyList<ColumnInfo> layout, DataField[] fields)
    {
        _stream = stream;
        _ownsStream = ownsStream;
        _writer = writer;
        Layout = layout;
        _fields = fields;
        _buffer = layout.Select(c => new ColumnBuilder(c.Name, c.Type, 1024)).ToArray();
    }

    public IReadOnlyList<ColumnInfo> Layout { get; }

    /// <summary>Rows accepted so far.</summary>
    public long RowCount { get; private set; }

    /// <summary>Creates (or overwrites) the file at <paramref name="path"/>.</summary>
    public static Task<SnapshotWriter> CreateAsync(string path, IReadOnlyList<ColumnInfo> layout, IReadOnlyDictionary<string, string>? metadata, CancellationToken cancellationToken)
    {
        // Written from the ingest's background task: synchronous writes, no async chain per page (see SynchronousStream).
        var stream = new IO.SynchronousStream(new FileStream(path, FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1 << 16));
        return CreateAsync(stream, ownsStream: true, layout, metadata, cancellationToken);
    }

    /// <summary>Writes to a seekable, writable stream.</summary>
    public static async Task<SnapshotWriter> CreateAsync(Stream stream, bool ownsStream, IReadOnlyList<ColumnInfo> layout, IReadOnlyDictionary<string, string>? metadata, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(layout);
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var c in layout)
        {
            if (!names.Add(c.Name))
            {
                throw new ArgumentException($"column name '{c.Name}' appears twice", nameof(layout));
            }
        }
        var fields = layout.Select(ToField).ToArray();
        var options = new ParquetOptions
        {
            CompressionMethod = CompressionMethod.Snappy,
            // Parquet.Net pools its buffers without limit by default; cap what the pool keeps.
            MaximumSmallPoolFreeBytes = 16 << 20,
            MaximumLargePoolFreeBytes = 32 << 20,
        };
        var writer = await ParquetWriter.CreateAsync(new ParquetSchema(fields), stream, options, append: false, cancellationToken).ConfigureAwait(false);
        // Sorted keys: the footer must not depend on the caller's dictionary order.
        var custom = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (k, v) in (metadata ?? new Dictionary<string, string>()).OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            custom[k] = v;
        }
        custom[FormatKey] = FormatVersion;
        writer.CustomMetadata = custom;
        return new SnapshotWriter(stream, ownsStream, writer, layout, fields);
    }

    /// <summary>Appends the rows of <paramref name="batch"/>, whose columns must match the layout.</summary>
    public Task WriteAsync(Table batch, CancellationToken cancellationToken) => WriteBatchAsync(batch, aligned: false, cancellationToken);

    /// <param name="batch">The rows.</param>
    /// <param name="aligned">The batch is the whole next row group (a full one, or the last one).</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    private async Task WriteBatchAsync(Table batch, bool aligned, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ObjectDisposedException.ThrowIf(_completed, this);
        if (batch.Columns.Count != Layout.Count)
        {
            throw new ArgumentException($"the batch has {batch.Columns.Count} columns, the snapshot {Layout.Count}", nameof(batch));
        }
        for (var i = 0; i < Layout.Count; i++)
        {
            if (batch.Columns[i].Name != Layout[i].Name || batch.Columns[i].Type != Layout[i].Type)
            {
                throw new ArgumentException($"batch column {i} is {batch.Columns[i]}, the snapshot expects {Layout[i].Name}: {Layout[i].Type.ToName()}", nameof(batch));
            }
        }
        if (_buffer.Length > 0 && _buffer[0].Count == 0 && (batch.RowCount == RowGroupSize || aligned && batch.RowCount > 0))
        {
            // Aligned batch (ingest sends these): write it as the row group without copying.
            RowCount += batch.RowCount;
            await WriteRowGroupAsync(batch.Columns, cancellationToken).ConfigureAwait(false);
            return;
        }
        var start = 0;
        while (start < batch.RowCount)
        {
            var take = Math.Min(batch.RowCount - start, RowGroupSize - _buffer[0].Count);
            for (var i = 0; i < _buffer.Length; i++)
            {
                _buffer[i].AddRange(batch.Columns[i], start, take);
            }
            start += take;
            RowCount += take;
            if (_buffer.Length > 0 && _buffer[0].Count == RowGroupSize)
            {
                await FlushAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Appends the last rows and completes the file. When nothing is buffered and the batch fits
    /// in one row group it is written as that row group directly: no copy into the buffer (the
    /// bytes are the same as <see cref="WriteAsync(Table, CancellationToken)"/> then <see cref="CompleteAsync(CancellationToken)"/>).
    /// </summary>
    internal async Task CompleteWithAsync(Table last, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(last);
        if (_buffer.Length > 0 && _buffer[0].Count == 0 && last.RowCount is > 0 and <= RowGroupSize && last.Columns.Count == Layout.Count)
        {
            await WriteBatchAsync(last, aligned: true, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await WriteAsync(last, cancellationToken).ConfigureAwait(false);
        }
        await CompleteAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes the last row group and the footer. The file is complete after this and dispose.</summary>
    public async Task CompleteAsync(CancellationToken cancellationToken)
    {
        if (_completed)
        {
            return;
        }
        if (_buffer.Length > 0 && _buffer[0].Count > 0)
        {
            await FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        _completed = true;
        await _writer.DisposeAsync().ConfigureAwait(false);
        await _stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_completed)
        {
            _completed = true;
            // An abandoned writer leaves no valid footer; the caller deletes the partial file.
            try
            {
                await _writer.DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or InvalidOperationException or ObjectDisposedException)
            {
                // Nothing to save: the file is incomplete either way.
            }
        }
        if (_ownsStream)
        {
            await _stream.DisposeAsync().ConfigureAwait(false);
        }
    }

    private Task FlushAsync(CancellationToken cancellationToken) =>
        WriteRowGroupAsync(_buffer.Select(b => b.Build()).ToArray(), cancellationToken);

    private async Task WriteRowGroupAsync(IReadOnlyList<Column> columns, CancellationToken cancellationToken)
    {
        using var group = _writer.CreateRowGroup();
        for (var i = 0; i < columns.Count; i++)
        {
            var column = columns[i];
            var field = _fields[i];
            switch (column.Type)
            {
                case ColumnType.Int64:
                    await group.WriteAsync(field, column.Int64Values, null, null, cancellationToken).ConfigureAwait(false);
                    break;
                case ColumnType.Double:
                    await group.WriteAsync(field, column.DoubleValues, null, null, cancellationToken).ConfigureAwait(false);
                    break;
                case ColumnType.String:
                    await group.WriteAsync(field, (IReadOnlyCollection<string>)AsArray(column.StringValues)!, null).ConfigureAwait(false);
                    break;
                default:
                    await group.WriteAsync(field, column.BooleanValues, null, null, cancellationToken).ConfigureAwait(false);
                    break;
            }
        }
        group.CompleteValidate();
    }

    // Build() hands over an exact-length array, so this normally does not copy.
    private static string?[] AsArray(ReadOnlyMemory<string?> values) =>
        System.Runtime.InteropServices.MemoryMarshal.TryGetArray(values, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
            ? segment.Array
            : values.ToArray();

    internal static DataField ToField(ColumnInfo column) => column.Type switch
    {
        ColumnType.Int64 => new DataField<long?>(column.Name),
        ColumnType.Double => new DataField<double?>(column.Name),
        ColumnType.String => new DataField<string>(column.Name, true),
        ColumnType.Boolean => new DataField<bool?>(column.Name),
        _ => throw new ArgumentOutOfRangeException(nameof(column), column.Type, null),
    };
}
