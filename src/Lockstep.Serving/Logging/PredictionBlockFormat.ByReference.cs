using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using Lockstep.Serving.Scoring;

namespace Lockstep.Serving.Logging;

/// <summary>
/// Format 3, "rows by reference" (batch runs of a plain file since session 8): the run's input
/// file is stored once in the object store, by content hash, and the block names it instead of
/// carrying each row's line. Little-endian:
/// <code>
/// byte    format (3)
/// int32   columns; per column: string name, byte dropped      (as format 1)
/// int32   missing-value cells; per cell: string               (as format 1)
/// int32   rows
/// int32   parts; per part: int32 bytes, then that many bytes of row entries (one worker slice)
/// row entry, each number an unsigned LEB128 varint, deltas from the previous entry of the part:
///   varint  row index − previous row index − 1 (the part's first: the row index)
///   varint  line start − previous line's end in bytes (the part's first: from byte 0)
///   varint  line length in bytes + 1, or 0 for a line given inline: varint bytes, UTF-8
///   float64 score
///   byte    flags: 1 probability, 2 label, 4 findings
///   [float64 probability] [varint bytes, UTF-8 label] [varint bytes, UTF-8 findings JSON]
/// </code>
/// A row's input is the object's bytes at [start, start + length), decoded as UTF-8: the same
/// characters scoring read (the scorer only refers to a line whose bytes it can place: a UTF-8 file
/// with no byte sequence the decoder replaced, see <c>BatchScorer</c>). The entries are ~27 bytes
/// a row (adult.test: 426 KB for 16,280 rows) and are not compressed: Brotli quality 0 made them
/// 1.9× smaller but cost the workers 2.6–4.1 ms of CPU per adult.test run to save the log's thread
/// ~0.4 ms (bench/serve.md, session 8). Which object a run's blocks refer to is in the table <c>prediction_inputs</c> (store
/// migration 6, one row per run, written in the transaction of the run's first block, read back as
/// <see cref="PredictionBlock.InputObject"/>): garbage collection keeps it while the log refers to
/// it, and the hash is not in the payload because a block is composed before the object is stored
/// (storing runs alongside scoring; the log's writer waits for it before the first commit).
/// </summary>
public static partial class PredictionBlockFormat
{
    /// <summary>Rows by reference to the run's input object.</summary>
    public const byte ByReferenceVersion = 3;

    private const byte HasProbability = 1;
    private const byte HasLabel = 2;
    private const byte HasFindings = 4;

    /// <summary>Most bytes one <see cref="RowByReference"/> entry of a line given by position takes without its label and findings.</summary>
    private const int FixedRowBytes = 10 + 10 + 10 + 8 + 1 + 8;

    /// <summary>
    /// Appends one row entry of a format 3 part: its index, where its line lies in the input object
    /// (<paramref name="start"/> &lt; 0: not placed, the line is written inline) and its answer.
    /// <paramref name="previousIndex"/> and <paramref name="previousEnd"/> carry the deltas from
    /// one entry to the next; a part starts with −1 and 0.
    /// </summary>
    public static void RowByReference(IBufferWriter<byte> buffer, ref int previousIndex, ref long previousEnd, int rowIndex, long start, int length, ReadOnlySpan<char> line, ModelScore score, string? findingsJson)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        var label = score.Label;
        var max = FixedRowBytes + (start < 0 ? 5 + Encoding.UTF8.GetMaxByteCount(line.Length) : 0)
            + (label is null ? 0 : 5 + Encoding.UTF8.GetMaxByteCount(label.Length))
            + (findingsJson is null ? 0 : 5 + Encoding.UTF8.GetMaxByteCount(findingsJson.Length));
        var span = buffer.GetSpan(max);
        var at = VarInt(span, (ulong)(rowIndex - previousIndex - 1));
        previousIndex = rowIndex;
        if (start >= 0)
        {
            at += VarInt(span[at..], (ulong)(start - previousEnd));
            at += VarInt(span[at..], (ulong)length + 1);
            previousEnd = start + length;
        }
        else
        {
            at += VarInt(span[at..], 0);
            at += VarInt(span[at..], 0);
            at += VarText(span[at..], line);
        }
        BinaryPrimitives.WriteDoubleLittleEndian(span[at..], score.Score);
        at += 8;
        var flags = (byte)((score.Probability.HasValue ? HasProbability : 0) | (label is null ? 0 : HasLabel) | (findingsJson is null ? 0 : HasFindings));
        span[at++] = flags;
        if (score.Probability is { } probability)
        {
            BinaryPrimitives.WriteDoubleLittleEndian(span[at..], probability);
            at += 8;
        }
        if (label is not null)
        {
            at += VarText(span[at..], label);
        }
        if (findingsJson is not null)
        {
            at += VarText(span[at..], findingsJson);
        }
        buffer.Advance(at);
    }

    /// <summary>
    /// A format 3 block's payload appended to <paramref name="buffer"/>: <paramref name="header"/>
    /// (made by <see cref="Header"/>) with its format byte set to 3, the row count and the parts (each a slice's <see cref="RowByReference"/> entries; empty ones left out).
    /// </summary>
    public static void ComposeByReference(byte[] header, int rows, ReadOnlySpan<ReadOnlyMemory<byte>> parts, IBufferWriter<byte> buffer)
    {
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(buffer);
        var count = 0;
        var length = header.Length + 8;
        const int frame = 4;
        foreach (var part in parts)
        {
            if (!part.IsEmpty)
            {
                length += frame + part.Length;
                count++;
            }
        }
        var payload = buffer.GetSpan(length);
        header.CopyTo(payload);
        payload[0] = ByReferenceVersion;
        var at = header.Length;
        BinaryPrimitives.WriteInt32LittleEndian(payload[at..], rows);
        BinaryPrimitives.WriteInt32LittleEndian(payload[(at + 4)..], count);
        at += 8;
        foreach (var part in parts)
        {
            if (part.IsEmpty)
            {
                continue;
            }
            BinaryPrimitives.WriteInt32LittleEndian(payload[at..], part.Length);
            part.Span.CopyTo(payload[(at + frame)..]);
            at += frame + part.Length;
        }
        buffer.Advance(length);
    }

    /// <summary>A format 3 block's rows from <paramref name="at"/> (after the missing-value cells), their lines read from <paramref name="input"/>.</summary>
    private static IEnumerable<PredictionRecord> ExpandByReference(PredictionBlock block, ReadOnlyMemory<byte> payload, int at, InputWindow? input, RecordMaker reading)
    {
        if (input is null)
        {
            throw new InvalidOperationException("a format 3 block is expanded with its input object");
        }
        var inputObject = block.InputObject;
        var rows = ReadInt32(payload, ref at);
        var parts = ReadInt32(payload, ref at);
        var produced = 0;
        for (var p = 0; p < parts; p++)
        {
            var bytes = ReadInt32(payload, ref at);
            if (bytes < 0 || bytes > payload.Length - at)
            {
                throw Corrupt(block, $"part {p} claims {bytes} bytes");
            }
            var entries = payload.Slice(at, bytes);
            at += bytes;
            var previousIndex = -1L;
            var previousEnd = 0L;
            var e = 0;
            while (e < entries.Length)
            {
                var span = entries.Span;
                var index = previousIndex + 1 + (long)ReadVarInt(span, ref e);
                previousIndex = index;
                var gap = ReadVarInt(span, ref e);
                var length = ReadVarInt(span, ref e);
                string line;
                if (length == 0)
                {
                    var n = (int)ReadVarInt(span, ref e);
                    line = Encoding.UTF8.GetString(span.Slice(e, n));
                    e += n;
                }
                else
                {
                    var start = previousEnd + (long)gap;
                    var count = (long)length - 1;
                    line = (index > int.MaxValue ? null : input.Line(start, count))
                        ?? throw Corrupt(block, $"row {index}'s line lies at bytes {start}..{start + count} of input object {inputObject}, which has {input.Length}");
                    previousEnd = start + count;
                }
                var score = BinaryPrimitives.ReadDoubleLittleEndian(span[e..]);
                var flags = span[e + 8];
                e += 9;
                double? probability = null;
                if ((flags & HasProbability) != 0)
                {
                    probability = BinaryPrimitives.ReadDoubleLittleEndian(span[e..]);
                    e += 8;
                }
                string? label = null;
                if ((flags & HasLabel) != 0)
                {
                    var n = (int)ReadVarInt(span, ref e);
                    label = Encoding.UTF8.GetString(span.Slice(e, n));
                    e += n;
                }
                string? findings = null;
                if ((flags & HasFindings) != 0)
                {
                    var n = (int)ReadVarInt(span, ref e);
                    findings = Encoding.UTF8.GetString(span.Slice(e, n));
                    e += n;
                }
                produced++;
                yield return reading.Make((int)index, line, new ModelScore(score, probability, label), findings);
            }
        }
        if (produced != rows)
        {
            throw Corrupt(block, $"its parts hold {produced} rows, not {rows}");
        }
    }

    /// <summary>True for a block of format 3, whose rows' lines are in its run's input object.</summary>
    public static bool IsByReference(PredictionBlock block)
    {
        ArgumentNullException.ThrowIfNull(block);
        return !block.Payload.IsEmpty && block.Payload.Span[0] == ByReferenceVersion;
    }

    private static int VarInt(Span<byte> span, ulong value)
    {
        var n = 0;
        while (value >= 0x80)
        {
            span[n++] = (byte)(value | 0x80);
            value >>= 7;
        }
        span[n++] = (byte)value;
        return n;
    }

    private static ulong ReadVarInt(ReadOnlySpan<byte> span, ref int at)
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            var b = span[at++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }
        throw new InvalidDataException("a varint of more than 64 bits");
    }

    private static int VarText(Span<byte> span, ReadOnlySpan<char> value)
    {
        // The length comes first but is known only once encoded: encode after a 5-byte gap (the
        // most a 32-bit varint takes), then move the bytes back when the length takes fewer.
        var n = Encoding.UTF8.GetBytes(value, span[5..]);
        var head = VarInt(stackalloc byte[5], (ulong)n);
        if (head < 5)
        {
            span.Slice(5, n).CopyTo(span[head..]);
        }
        VarInt(span, (ulong)n);
        return head + n;
    }
}
