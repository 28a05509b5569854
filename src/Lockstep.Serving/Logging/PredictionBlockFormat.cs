using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
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
/// </summary>
public static class PredictionBlockFormat
{
    public const byte Version = 1;

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

    /// <summary>Expands a logged block into one record per prediction, in row order.</summary>
    public static IEnumerable<PredictionRecord> Expand(PredictionBlock block)
    {
        ArgumentNullException.ThrowIfNull(block);
        var payload = block.Payload;
        var at = 0;
        if (payload.Length == 0 || payload.Span[0] != Version)
        {
            throw new InvalidDataException($"prediction log block of request {block.RequestId} (row {block.FirstRow} on) has format {(payload.Length == 0 ? "none" : payload.Span[0])}; this Lockstep reads format {Version}: upgrade Lockstep to read it");
        }
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
        var rows = ReadInt32(payload, ref at);
        var cells = new List<string>(columns.Length);
        var row = new Dictionary<string, object?>(columns.Length, StringComparer.Ordinal);
        var json = new ArrayBufferWriter<byte>(512);
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
            CsvLine.Split(line, cells);
            row.Clear();
            for (var c = 0; c < columns.Length && c < cells.Count; c++)
            {
                if (!dropped[c])
                {
                    row[columns[c]] = CellValue(cells[c], na);
                }
            }
            yield return new PredictionRecord(block.RequestId, index, block.At, block.Model, block.Version, block.BundleHash,
                InputJson(row, json), ScoreJson.Output(new ModelScore(score, hasProbability ? probability : null, label), json), findings, 0, block.Source);
        }
    }

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
