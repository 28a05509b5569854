using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Lockstep.Serving.Batch;
using Lockstep.Serving.Scoring;

namespace Lockstep.Serving.Logging;

/// <summary>
/// The binary encoding of a <see cref="PredictionBlock"/>'s payload, format 1 (little-endian):
/// <code>
/// byte    format (1)
/// int32   columns; per column: string name, byte dropped (1: in the file, not a model input)
/// int32   missing-value cells; per cell: string
/// int32   rows; per row: int32 row index, string input line (as read from the file),
///         float64 score, byte has-probability, float64 probability, string? label, string? findings JSON
/// string: int32 UTF-8 byte count (−1 for null), then the bytes
/// </code>
/// The input is kept as the file's own line, not as JSON: copying it costs nothing while scoring,
/// and it is the most literal record of what was scored. The reader rebuilds the same
/// <c>input_json</c> a per-row log held (the line cut into cells, dropped columns left out, a
/// missing-value cell as null, a cell that parses as a number as that number, any other as text)
/// and the same <c>output_json</c> (<see cref="ScoreJson.Output"/>), so list and export do not
/// show the difference.
/// <para>
/// Format 2 (batch runs since session 6) is format 1 with the rows compressed: the same header
/// with format byte 2, the row count, then <c>int32 parts</c> and per part <c>int32 raw bytes,
/// int32 compressed bytes</c> and that many bytes of Brotli (quality 0) whose expansion is the
/// part's rows in format 1's row encoding; the parts' rows follow each other in row order. Each
/// batch worker compresses its own slice, in parallel with the others, so the log's thread inserts
/// ~3.9× fewer bytes: the store grows by 0.67 MB instead of 2.6 MB per adult.test run, and the
/// SQLite insert + WAL write it saves pays for the compression (bench/serve.md, session 6).
/// Format 1 blocks (older stores, and any writer that does not compress) read as before; a
/// Lockstep older than format 2 refuses a format 2 block with an "upgrade Lockstep" error.
/// </para>
/// <para>
/// Format 3 ("rows by reference", <c>lockstep predict</c> of a plain file since session 8) keeps
/// only each row's answer and where its line lies in the run's input file, stored once as an
/// object: see <see cref="ByReferenceVersion"/> (PredictionBlockFormat.ByReference.cs). Formats 1
/// and 2 stay readable; the server's per-request rows are not blocks and do not change.
/// </para>
/// </summary>
public static partial class PredictionBlockFormat
{
    /// <summary>The uncompressed format (format 1).</summary>
    public const byte Version = 1;

    /// <summary>The compressed format: format 1's rows as Brotli parts.</summary>
    public const byte CompressedVersion = 2;

    /// <summary>Brotli quality for a part: 0 is the fastest (≈ 4.5 ms of CPU for adult.test's 2.6 MB of rows, 3.9× smaller; quality 1 took twice as long for 4.3×).</summary>
    private const int Quality = 0;

    /// <summary>Brotli window (log2 of bytes): a slice's rows are ~80 KB.</summary>
    private const int Window = 22;

    /// <summary>Most bytes <see cref="CompressPart"/> writes for <paramref name="rawBytes"/> bytes of rows.</summary>
    public static int MaxPartLength(int rawBytes) => 8 + BrotliEncoder.GetMaxCompressedLength(rawBytes);

    /// <summary>
    /// Appends one part of a <see cref="CompressedVersion"/> block: <c>int32 raw bytes, int32
    /// compressed bytes</c>, then the compressed rows (a slice's <see cref="Row"/> entries).
    /// Nothing is written for no rows.
    /// </summary>
    public static void CompressPart(ReadOnlySpan<byte> rows, IBufferWriter<byte> buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        if (rows.IsEmpty)
        {
            return;
        }
        var span = buffer.GetSpan(MaxPartLength(rows.Length));
        if (!BrotliEncoder.TryCompress(rows, span[8..], out var written, Quality, Window))
        {
            throw new InvalidOperationException($"Brotli could not compress {rows.Length} bytes into {span.Length - 8}");
        }
        BinaryPrimitives.WriteInt32LittleEndian(span, rows.Length);
        BinaryPrimitives.WriteInt32LittleEndian(span[4..], written);
        buffer.Advance(8 + written);
    }

    /// <summary>
    /// A <see cref="CompressedVersion"/> block's payload appended to <paramref name="buffer"/>:
    /// <paramref name="header"/> (made by <see cref="Header"/>) with its format byte set to 2,
    /// the row count, the part count and the parts as written by <see cref="CompressPart"/>.
    /// </summary>
    public static void ComposeCompressed(byte[] header, int rows, ReadOnlySpan<ReadOnlyMemory<byte>> parts, IBufferWriter<byte> buffer)
    {
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(buffer);
        var count = 0;
        var length = header.Length + 8;
        foreach (var part in parts)
        {
            length += part.Length;
            count += part.IsEmpty ? 0 : 1;
        }
        var payload = buffer.GetSpan(length);
        header.CopyTo(payload);
        payload[0] = CompressedVersion;
        BinaryPrimitives.WriteInt32LittleEndian(payload[header.Length..], rows);
        BinaryPrimitives.WriteInt32LittleEndian(payload[(header.Length + 4)..], count);
        var at = header.Length + 8;
        foreach (var part in parts)
        {
            part.Span.CopyTo(payload[at..]);
            at += part.Length;
        }
        buffer.Advance(length);
    }

    /// <summary>The run's part written once per block: the format, the columns and the missing-value cells.</summary>
    public static byte[] Header(IReadOnlyList<string> columns, IReadOnlyList<bool> dropped, IEnumerable<string> missingValues)
    {
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentNullException.ThrowIfNull(dropped);
        var buffer = new ArrayBufferWriter<byte>(256);
        buffer.GetSpan(1)[0] = Version;
        buffer.Advance(1);
        Int32(buffer, columns.Count);
        for (var c = 0; c < columns.Count; c++)
        {
            Text(buffer, columns[c]);
            buffer.GetSpan(1)[0] = dropped[c] ? (byte)1 : (byte)0;
            buffer.Advance(1);
        }
        var na = missingValues.Order(StringComparer.Ordinal).ToArray();
        Int32(buffer, na.Length);
        foreach (var v in na)
        {
            Text(buffer, v);
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Appends one row: its index, its input line and its answer.</summary>
    public static void Row(IBufferWriter<byte> buffer, int rowIndex, ReadOnlySpan<char> line, ModelScore score, string? findingsJson)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        // One span for the whole row (one call to the writer, not one per field).
        var label = score.Label;
        var max = 4 + 4 + Encoding.UTF8.GetMaxByteCount(line.Length) + 17
            + 4 + (label is null ? 0 : Encoding.UTF8.GetMaxByteCount(label.Length))
            + 4 + (findingsJson is null ? 0 : Encoding.UTF8.GetMaxByteCount(findingsJson.Length));
        var span = buffer.GetSpan(max);
        BinaryPrimitives.WriteInt32LittleEndian(span, rowIndex);
        var at = 4;
        at += Text(span[at..], line);
        BinaryPrimitives.WriteDoubleLittleEndian(span[at..], score.Score);
        span[at + 8] = score.Probability.HasValue ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteDoubleLittleEndian(span[(at + 9)..], score.Probability ?? 0);
        at += 17;
        at += Text(span[at..], label);
        at += Text(span[at..], findingsJson);
        buffer.Advance(at);
    }

    /// <summary>A block's payload: the header, the row count, then the rows as written by <see cref="Row"/>.</summary>
    public static byte[] Compose(byte[] header, int rows, ReadOnlySpan<ReadOnlyMemory<byte>> parts)
    {
        ArgumentNullException.ThrowIfNull(header);
        var payload = new byte[PayloadLength(header, parts)];
        Write(header, rows, parts, payload);
        return payload;
    }

    /// <summary>
    /// <see cref="Compose(byte[], int, ReadOnlySpan{ReadOnlyMemory{byte}})"/> appended to
    /// <paramref name="buffer"/> (a batch run reuses its buffers instead of allocating a large
    /// array per block).
    /// </summary>
    public static void Compose(byte[] header, int rows, ReadOnlySpan<ReadOnlyMemory<byte>> parts, IBufferWriter<byte> buffer)
    {
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(buffer);
        var length = PayloadLength(header, parts);
        Write(header, rows, parts, buffer.GetSpan(length));
        buffer.Advance(length);
    }

    private static int PayloadLength(byte[] header, ReadOnlySpan<ReadOnlyMemory<byte>> parts)
    {
        var length = header.Length + 4;
        foreach (var part in parts)
        {
            length += part.Length;
        }
        return length;
    }

    private static void Write(byte[] header, int rows, ReadOnlySpan<ReadOnlyMemory<byte>> parts, Span<byte> payload)
    {
        header.CopyTo(payload);
        BinaryPrimitives.WriteInt32LittleEndian(payload[header.Length..], rows);
        var at = header.Length + 4;
        foreach (var part in parts)
        {
            part.Span.CopyTo(payload[at..]);
            at += part.Length;
        }
    }

    /// <summary>Expands a logged block of format 1 or 2 into one record per prediction, in row order (format 3 needs its input: <see cref="Expand(PredictionBlock, ReadOnlyMemory{byte})"/>).</summary>
    public static IEnumerable<PredictionRecord> Expand(PredictionBlock block) => Expand(block, (InputWindow?)null);

    /// <summary>As <see cref="Expand(PredictionBlock, InputWindow?)"/>, the input object's bytes in memory.</summary>
    public static IEnumerable<PredictionRecord> Expand(PredictionBlock block, ReadOnlyMemory<byte> input) => Expand(block, InputWindow.Of(input));

    /// <summary>
    /// Expands a logged block into one record per prediction, in row order;
    /// <paramref name="input"/> reads the object a format 3 block refers to
    /// (<see cref="PredictionBlock.InputObject"/>), verified by the caller, and is unused for formats 1 and 2.
    /// </summary>
    public static IEnumerable<PredictionRecord> Expand(PredictionBlock block, InputWindow? input)
    {
        ArgumentNullException.ThrowIfNull(block);
        var payload = block.Payload;
        var at = 0;
        var format = ReadFormat(block);
        at++;
        var columns = new string[ReadInt32(payload, ref at)];
        var dropped = new bool[columns.Length];
        for (var c = 0; c < columns.Length; c++)
        {
            columns[c] = ReadText(payload, ref at)!;
            dropped[c] = payload.Span[at++] == 1;
        }
        var na = new HashSet<string>(StringComparer.Ordinal);
        for (var n = ReadInt32(payload, ref at); n > 0; n--)
        {
            na.Add(ReadText(payload, ref at)!);
        }
        var reading = new RecordMaker(block, columns, dropped, na);
        if (format == ByReferenceVersion)
        {
            foreach (var record in ExpandByReference(block, payload, at, input, reading))
            {
                yield return record;
            }
            yield break;
        }
        var rows = ReadInt32(payload, ref at);
        if (format == CompressedVersion)
        {
            payload = Decompress(block, payload, at);
            at = 0;
        }
        for (var r = 0; r < rows; r++)
        {
            var index = ReadInt32(payload, ref at);
            var line = ReadText(payload, ref at)!;
            var score = BinaryPrimitives.ReadDoubleLittleEndian(payload.Span[at..]);
            var hasProbability = payload.Span[at + 8] == 1;
            var probability = BinaryPrimitives.ReadDoubleLittleEndian(payload.Span[(at + 9)..]);
            at += 17;
            var label = ReadText(payload, ref at);
            var findings = ReadText(payload, ref at);
            yield return reading.Make(index, line, new ModelScore(score, hasProbability ? probability : null, label), findings);
        }
    }

    /// <summary>The block's format byte, or an "upgrade Lockstep" error for one this build cannot read.</summary>
    private static int ReadFormat(PredictionBlock block)
    {
        var payload = block.Payload;
        var format = payload.Length == 0 ? -1 : payload.Span[0];
        if (format is not (Version or CompressedVersion or ByReferenceVersion))
        {
            throw new InvalidDataException($"prediction log block of request {block.RequestId} (row {block.FirstRow} on) has format {(format < 0 ? "none" : format)}; this Lockstep reads formats {Version}, {CompressedVersion} and {ByReferenceVersion}: upgrade Lockstep to read it");
        }
        return format;
    }

    /// <summary>Makes the log's records of one block: the line read back into <c>input_json</c> as while scoring, the answer as <c>output_json</c>.</summary>
    private sealed class RecordMaker(PredictionBlock block, string[] columns, bool[] dropped, HashSet<string> na)
    {
        private readonly List<string> _cells = new(columns.Length);
        private readonly Dictionary<string, object?> _row = new(columns.Length, StringComparer.Ordinal);
        private readonly ArrayBufferWriter<byte> _json = new(512);

        public PredictionRecord Make(int index, string line, ModelScore score, string? findings)
        {
            CsvLine.Split(line, _cells);
            _row.Clear();
            for (var c = 0; c < columns.Length && c < _cells.Count; c++)
            {
                if (!dropped[c])
                {
                    _row[columns[c]] = CellValue(_cells[c], na);
                }
            }
            return new PredictionRecord(block.RequestId, index, block.At, block.Model, block.Version, block.BundleHash,
                InputJson(_row, _json), ScoreJson.Output(score, _json), findings, 0, block.Source);
        }
    }

    /// <summary>A compressed block's parts (from <paramref name="at"/>) expanded into format 1's row entries, one after the other.</summary>
    private static ReadOnlyMemory<byte> Decompress(PredictionBlock block, ReadOnlyMemory<byte> payload, int at)
    {
        var parts = ReadInt32(payload, ref at);
        var total = 0L;
        var scan = at;
        for (var p = 0; p < parts; p++)
        {
            var raw = ReadInt32(payload, ref scan);
            var compressed = ReadInt32(payload, ref scan);
            if (raw < 0 || compressed < 0 || compressed > payload.Length - scan)
            {
                throw Corrupt(block, $"part {p} claims {raw} bytes from {compressed}");
            }
            total += raw;
            scan += compressed;
        }
        if (total > Array.MaxLength)
        {
            throw Corrupt(block, $"its parts claim {total} bytes");
        }
        // Expanded as the data comes, not into an array of the claimed size: a damaged length must
        // not allocate gigabytes before Brotli finds the damage. Memory follows what the parts
        // really expand to, and a part that expands to more or less than it claims is damage.
        var rows = new ArrayBufferWriter<byte>(Math.Max(256, (int)Math.Min(total, 1 << 20)));
        for (var p = 0; p < parts; p++)
        {
            var raw = ReadInt32(payload, ref at);
            var compressed = ReadInt32(payload, ref at);
            if (ExpandPart(payload.Span.Slice(at, compressed), raw, rows) != raw)
            {
                throw Corrupt(block, $"part {p} does not expand to its {raw} bytes");
            }
            at += compressed;
        }
        return rows.WrittenMemory;
    }

    /// <summary>Expands one Brotli part into <paramref name="rows"/>; the bytes written, or -1 when the data is invalid, cut short or longer than <paramref name="raw"/>.</summary>
    private static long ExpandPart(ReadOnlySpan<byte> source, int raw, ArrayBufferWriter<byte> rows)
    {
        using var decoder = new BrotliDecoder();
        long produced = 0;
        while (true)
        {
            // One byte more than is left, so a part longer than it claims shows as extra output.
            var room = rows.GetSpan((int)Math.Min(raw - produced + 1, 1 << 20));
            var status = decoder.Decompress(source, room, out var consumed, out var written);
            source = source[consumed..];
            rows.Advance(written);
            produced += written;
            if (produced > raw)
            {
                return -1;
            }
            switch (status)
            {
                case OperationStatus.Done:
                    return source.IsEmpty ? produced : -1;
                case OperationStatus.DestinationTooSmall:
                    continue;
                default:
                    return -1;
            }
        }
    }

    private static InvalidDataException Corrupt(PredictionBlock block, string what) =>
        new($"prediction log block of request {block.RequestId} (row {block.FirstRow} on) is damaged: {what}; the other blocks are intact (export around it with --since/--until)");

    /// <summary>How a batch run reads one cell: missing, a number, or text (the same rule while scoring and when read back).</summary>
    internal static object? CellValue(string cell, HashSet<string> missingValues) =>
        missingValues.Contains(cell) ? null
        : double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : cell;

    /// <summary>A raw row as the log's <c>input_json</c>: the row's fields in order, numbers as numbers.</summary>
    internal static string InputJson(IReadOnlyDictionary<string, object?> row, ArrayBufferWriter<byte> scratch)
    {
        scratch.ResetWrittenCount();
        using var writer = new Utf8JsonWriter(scratch, Http.JsonOutput.Options);
        writer.WriteStartObject();
        foreach (var (key, value) in row)
        {
            switch (value)
            {
                case null: writer.WriteNull(key); break;
                case double d: writer.WriteNumber(key, d); break;
                case string s: writer.WriteString(key, s); break;
                default: writer.WriteString(key, Convert.ToString(value, CultureInfo.InvariantCulture)); break;
            }
        }
        writer.WriteEndObject();
        writer.Flush();
        return Encoding.UTF8.GetString(scratch.WrittenSpan);
    }

    private static void Int32(IBufferWriter<byte> buffer, int value)
    {
        BinaryPrimitives.WriteInt32LittleEndian(buffer.GetSpan(4), value);
        buffer.Advance(4);
    }

    private static void Text(IBufferWriter<byte> buffer, string? value)
    {
        if (value is null)
        {
            Int32(buffer, -1);
            return;
        }
        Text(buffer, value.AsSpan());
    }

    private static void Text(IBufferWriter<byte> buffer, ReadOnlySpan<char> value)
    {
        var span = buffer.GetSpan(4 + Encoding.UTF8.GetMaxByteCount(value.Length));
        var n = Encoding.UTF8.GetBytes(value, span[4..]);
        BinaryPrimitives.WriteInt32LittleEndian(span, n);
        buffer.Advance(4 + n);
    }

    /// <summary>Writes a string (<see cref="Text(IBufferWriter{byte}, string?)"/>'s encoding) into <paramref name="span"/>, which has room for it; returns the bytes written.</summary>
    private static int Text(Span<byte> span, string? value)
    {
        if (value is null)
        {
            BinaryPrimitives.WriteInt32LittleEndian(span, -1);
            return 4;
        }
        return Text(span, value.AsSpan());
    }

    private static int Text(Span<byte> span, ReadOnlySpan<char> value)
    {
        var n = Encoding.UTF8.GetBytes(value, span[4..]);
        BinaryPrimitives.WriteInt32LittleEndian(span, n);
        return 4 + n;
    }

    private static int ReadInt32(ReadOnlyMemory<byte> payload, ref int at)
    {
        var v = BinaryPrimitives.ReadInt32LittleEndian(payload.Span[at..]);
        at += 4;
        return v;
    }

    private static string? ReadText(ReadOnlyMemory<byte> payload, ref int at)
    {
        var n = ReadInt32(payload, ref at);
        if (n < 0)
        {
            return null;
        }
        var s = Encoding.UTF8.GetString(payload.Span.Slice(at, n));
        at += n;
        return s;
    }
}
