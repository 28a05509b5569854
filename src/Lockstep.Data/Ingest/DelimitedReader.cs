using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Text;

namespace Lockstep.Data.Ingest;

/// <summary>
/// A span-based reader of delimited UTF-8 text (RFC 4180 quoting, any delimiter including
/// multi-character ones, CRLF or LF, BOM, comment lines). Hand-written rather than a CSV library
/// because ingest needs exact line numbers and byte offsets for errors, multi-character
/// delimiters, bounded memory and no per-field string allocation; none of the packages available
/// here offers all four. Fields are slices of an internal buffer that grows only for a record
/// longer than it (bounded by <see cref="DelimitedOptions.MaxRecordBytes"/>).
/// </summary>
internal sealed class DelimitedReader : IRecordSource
{
    private const byte Lf = (byte)'\n';
    private const byte Cr = (byte)'\r';

    private readonly Stream _stream;
    private readonly byte[] _delimiter;
    private readonly byte _quote;
    private readonly bool _quoting;
    private readonly byte[]? _comment;
    private readonly int _maxRecord;
    private readonly bool _fastCut;
    private byte[] _buf = new byte[1 << 20];
    private int _start;
    private int _end;
    private bool _eof;
    private long _bufOffset;
    private long _nextLine = 1;
    private bool _bomChecked;

    private int _count;
    private int[] _fieldStart = new int[64];
    private int[] _fieldLength = new int[64];
    private bool[] _fieldScratch = new bool[64];
    private byte[] _scratch = new byte[4096];
    private int _scratchLength;
    private int _recordStart;
    private int _recordEnd;

    /// <param name="stream">The text (decompressed).</param>
    /// <param name="description">What to call the source in messages.</param>
    /// <param name="options">Delimiter, quoting, header, comments.</param>
    /// <param name="generalPathOnly">Cut every record on the general path (tests compare both paths).</param>
    public DelimitedReader(Stream stream, string description, DelimitedOptions options, bool generalPathOnly = false)
    {
        _stream = stream;
        Description = description;
        _delimiter = Encoding.UTF8.GetBytes(options.Delimiter);
        if (_delimiter.Length == 0)
        {
            throw new DataException("the delimiter is empty; set 'delimiter' to the text between fields, e.g. \",\" or \"\\t\"");
        }
        _quoting = options.Quote != '\0';
        _quote = (byte)options.Quote;
        _comment = string.IsNullOrEmpty(options.CommentPrefix) ? null : Encoding.UTF8.GetBytes(options.CommentPrefix);
        _maxRecord = options.MaxRecordBytes;
        _fastCut = !generalPathOnly && !_delimiter.AsSpan().ContainsAny(Lf, Cr) && !(_quoting && _delimiter.AsSpan().Contains(_quote));
        HasHeader = options.HasHeader;
    }

    public string Description { get; }

    public bool HasHeader { get; }

    public IReadOnlyList<string>? Header { get; private set; }

    public int FieldCount => _count;

    public long Line { get; private set; }

    public long Offset { get; private set; }

    public ReadOnlySpan<byte> Raw => _buf.AsSpan(_recordStart, _recordEnd - _recordStart);

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public ReadOnlySpan<byte> Field(int index) => _fieldScratch[index]
        ? _scratch.AsSpan(_fieldStart[index], _fieldLength[index])
        : _buf.AsSpan(_fieldStart[index], _fieldLength[index]);

    public bool IsNull(int index) => false;

    /// <summary>
    /// Where field <paramref name="index"/> lies inside <see cref="Raw"/>; false when its bytes are
    /// not a slice of the record (a quoted field with escaped quotes, unescaped into scratch).
    /// </summary>
    internal bool FieldInRecord(int index, out int start, out int length)
    {
        start = _fieldStart[index] - _recordStart;
        length = _fieldLength[index];
        return !_fieldScratch[index];
    }

    /// <summary>Reads the header row when the options say there is one; call once before <see cref="ReadAsync"/>.</summary>
    public async ValueTask ReadHeaderAsync(CancellationToken cancellationToken)
    {
        if (!HasHeader)
        {
            return;
        }
        if (!await ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            throw new DataException($"{Description} is empty: there is no header row. Check the file, or set 'header: false' and give 'columns:'");
        }
        var names = new string[_count];
        for (var i = 0; i < _count; i++)
        {
            names[i] = DecodeOrThrow(Field(i), i).Trim();
        }
        Header = names;
    }

    public async ValueTask<bool> ReadAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            if (!_bomChecked && !await CheckBomAsync(cancellationToken).ConfigureAwait(false))
            {
                continue;
            }
            var status = TryParse();
            if (status == Status.Record)
            {
                return true;
            }
            if (status == Status.End)
            {
                return false;
            }
            await FillAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public ValueTask DisposeAsync() => _stream.DisposeAsync();

    private enum Status
    {
        Record,
        End,
        NeedMore,
    }

    private Status TryParse()
    {
        var data = _buf.AsSpan(_start, _end - _start);
        var pos = 0;
        // Blank lines and comment lines between records.
        while (true)
        {
            if (pos == data.Length)
            {
                if (_eof)
                {
                    Consume(data, pos);
                    return Status.End;
                }
                return Status.NeedMore;
            }
            var b = data[pos];
            if (b == Lf)
            {
                pos++;
                continue;
            }
            if (b == Cr)
            {
                if (pos + 1 == data.Length && !_eof)
                {
                    return Status.NeedMore;
                }
                pos += pos + 1 < data.Length && data[pos + 1] == Lf ? 2 : 1;
                continue;
            }
            if (_comment is not null && data[pos..].StartsWith(_comment))
            {
                var nl = data[pos..].IndexOf(Lf);
                if (nl < 0)
                {
                    if (!_eof)
                    {
                        return Status.NeedMore;
                    }
                    pos = data.Length;
                    continue;
                }
                pos += nl + 1;
                continue;
            }
            if (_comment is not null && pos + _comment.Length > data.Length && !_eof && _comment.AsSpan().StartsWith(data[pos..]))
            {
                return Status.NeedMore;
            }
            break;
        }

        var recordStart = pos;
        _count = 0;
        _scratchLength = 0;
        var delimiter = _delimiter.AsSpan();
        var d0 = delimiter[0];
        if (_fastCut)
        {
            // Most records hold no quote: find the line break (and any quote) with one vectorised
            // search, then cut the fields with a bit mask. A record with a quote takes the general path.
            var rest = data[pos..];
            var end = _quoting ? rest.IndexOfAny(Lf, Cr, _quote) : rest.IndexOfAny(Lf, Cr);
            if (end < 0 && !_eof)
            {
                return NeedMoreOrTooLong(data, recordStart);
            }
            if (end < 0 || rest[end] != _quote)
            {
                var length = end < 0 ? rest.Length : end;
                if (length > _maxRecord)
                {
                    throw RecordTooLong(data, recordStart);
                }
                SplitFields(rest[..length], delimiter, _start + pos);
                return FinishRecord(data, recordStart, pos + length);
            }
        }
        while (true)
        {
            if (pos - recordStart > _maxRecord)
            {
                throw RecordTooLong(data, recordStart);
            }
            if (_quoting && pos < data.Length && data[pos] == _quote)
            {
                var p = pos + 1;
                var escaped = false;
                while (true)
                {
                    var q = data[p..].IndexOf(_quote);
                    if (q < 0)
                    {
                        if (!_eof)
                        {
                            return NeedMoreOrTooLong(data, recordStart);
                        }
                        throw new DataException($"{Description} line {LineAt(data, recordStart)}: a quoted field that starts at byte offset {_bufOffset + _start + pos} is never closed (unbalanced quote). Fix the quote, or set 'quote: \"\"' if the file does not use quoting");
                    }
                    p += q;
                    if (p + 1 < data.Length && data[p + 1] == _quote)
                    {
                        escaped = true;
                        p += 2;
                        continue;
                    }
                    if (p + 1 == data.Length && !_eof)
                    {
                        return NeedMoreOrTooLong(data, recordStart);
                    }
                    break;
                }
                AddQuotedField(data, pos + 1, p, escaped);
                p++;
                if (p == data.Length)
                {
                    pos = p;
                    break;
                }
                if (data[p..].StartsWith(delimiter))
                {
                    pos = p + delimiter.Length;
                    continue;
                }
                if (data.Length - p < delimiter.Length && !_eof && delimiter.StartsWith(data[p..]))
                {
                    return Status.NeedMore;
                }
                if (data[p] == Lf || data[p] == Cr)
                {
                    pos = p;
                    break;
                }
                throw new DataException($"{Description} line {LineAt(data, p)}, byte offset {_bufOffset + _start + p}: unexpected text after a closing quote in field {_count}. Quote the whole field (and double any quote inside it)");
            }

            var rest = data[pos..];
            var idx = 0;
            var found = false;
            var isDelimiter = false;
            while (true)
            {
                var i = rest[idx..].IndexOfAny(d0, Lf, Cr);
                if (i < 0)
                {
                    break;
                }
                idx += i;
                if (rest[idx] != d0 || (d0 == Lf || d0 == Cr) && delimiter.Length == 1)
                {
                    found = true;
                    isDelimiter = rest[idx] == d0;
                    break;
                }
                if (rest[idx..].StartsWith(delimiter))
                {
                    found = true;
                    isDelimiter = true;
                    break;
                }
                if (rest.Length - idx < delimiter.Length && !_eof)
                {
                    return NeedMoreOrTooLong(data, recordStart);
                }
                idx++;
            }
            if (!found)
            {
                if (!_eof)
                {
                    return NeedMoreOrTooLong(data, recordStart);
                }
                AddField(_start + pos, rest.Length);
                pos = data.Length;
                break;
            }
            AddField(_start + pos, idx);
            if (isDelimiter)
            {
                pos += idx + delimiter.Length;
                continue;
            }
            pos += idx;
            break;
        }

        return FinishRecord(data, recordStart, pos);
    }

    /// <summary>
    /// Adds the fields of an unquoted record (no line break inside): a bit mask of the positions
    /// of the delimiter's first byte, 32 bytes at a time, each candidate checked for the whole delimiter.
    /// </summary>
    private void SplitFields(ReadOnlySpan<byte> record, ReadOnlySpan<byte> delimiter, int offset)
    {
        var d0 = delimiter[0];
        var single = delimiter.Length == 1;
        var fieldStart = 0;
        var i = 0;
        if (Vector256.IsHardwareAccelerated && record.Length >= Vector256<byte>.Count)
        {
            var d = Vector256.Create(d0);
            ref var r0 = ref MemoryMarshal.GetReference(record);
            for (; i <= record.Length - Vector256<byte>.Count; i += Vector256<byte>.Count)
            {
                var mask = Vector256.Equals(Vector256.LoadUnsafe(ref r0, (nuint)i), d).ExtractMostSignificantBits();
                while (mask != 0)
                {
                    var at = i + BitOperations.TrailingZeroCount(mask);
                    mask &= mask - 1;
                    if (single || at >= fieldStart && record[at..].StartsWith(delimiter))
                    {
                        AddField(offset + fieldStart, at - fieldStart);
                        fieldStart = at + delimiter.Length;
                    }
                }
            }
        }
        for (; i < record.Length; i++)
        {
            if (record[i] == d0 && (single || i >= fieldStart && record[i..].StartsWith(delimiter)))
            {
                AddField(offset + fieldStart, i - fieldStart);
                fieldStart = i + delimiter.Length;
            }
        }
        AddField(offset + fieldStart, record.Length - fieldStart);
    }

    private Status FinishRecord(ReadOnlySpan<byte> data, int recordStart, int pos)
    {
        // pos is at the record's line break or the end of the data.
        var recordEnd = pos;
        if (pos < data.Length)
        {
            if (data[pos] == Cr)
            {
                if (pos + 1 == data.Length && !_eof)
                {
                    return Status.NeedMore;
                }
                pos += pos + 1 < data.Length && data[pos + 1] == Lf ? 2 : 1;
            }
            else
            {
                pos++;
            }
        }
        Line = LineAt(data, recordStart);
        Offset = _bufOffset + _start + recordStart;
        _recordStart = _start + recordStart;
        _recordEnd = _start + recordEnd;
        Consume(data, pos);
        return Status.Record;
    }

    private Status NeedMoreOrTooLong(ReadOnlySpan<byte> data, int recordStart)
    {
        if (data.Length - recordStart > _maxRecord)
        {
            throw RecordTooLong(data, recordStart);
        }
        return Status.NeedMore;
    }

    private DataException RecordTooLong(ReadOnlySpan<byte> data, int recordStart) =>
        new($"{Description} line {LineAt(data, recordStart)}: a record is longer than {_maxRecord >> 20} MB; most likely a quote is never closed. Fix the quoting, or set 'quote: \"\"' if the file does not use quoting");

    private long LineAt(ReadOnlySpan<byte> data, int index) => _nextLine + data[..index].Count(Lf);

    private void Consume(ReadOnlySpan<byte> data, int count)
    {
        _nextLine += data[..count].Count(Lf);
        _start += count;
    }

    private void AddField(int start, int length)
    {
        if (_count == _fieldStart.Length)
        {
            EnsureFieldCapacity();
        }
        _fieldStart[_count] = start;
        _fieldLength[_count] = length;
        _fieldScratch[_count] = false;
        _count++;
    }

    private void AddQuotedField(ReadOnlySpan<byte> data, int from, int to, bool escaped)
    {
        if (!escaped)
        {
            AddField(_start + from, to - from);
            return;
        }
        var content = data[from..to];
        if (_scratch.Length < _scratchLength + content.Length)
        {
            Array.Resize(ref _scratch, Math.Max(_scratch.Length * 2, _scratchLength + content.Length));
        }
        var start = _scratchLength;
        for (var i = 0; i < content.Length; i++)
        {
            var b = content[i];
            _scratch[_scratchLength++] = b;
            if (b == _quote)
            {
                i++; // the doubled quote
            }
        }
        EnsureFieldCapacity();
        _fieldStart[_count] = start;
        _fieldLength[_count] = _scratchLength - start;
        _fieldScratch[_count] = true;
        _count++;
    }

    private void EnsureFieldCapacity()
    {
        if (_count == _fieldStart.Length)
        {
            Array.Resize(ref _fieldStart, _count * 2);
            Array.Resize(ref _fieldLength, _count * 2);
            Array.Resize(ref _fieldScratch, _count * 2);
        }
    }

    private async ValueTask FillAsync(CancellationToken cancellationToken)
    {
        if (_eof)
        {
            throw new InvalidOperationException("the parser asked for more data after the end");
        }
        if (_start > 0)
        {
            Buffer.BlockCopy(_buf, _start, _buf, 0, _end - _start);
            _bufOffset += _start;
            _end -= _start;
            _start = 0;
        }
        if (_end == _buf.Length)
        {
            Array.Resize(ref _buf, _buf.Length * 2);
        }
        int read;
        try
        {
            read = await _stream.ReadAsync(_buf.AsMemory(_end), cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidDataException e)
        {
            throw new DataException($"{Description}: the compressed data is damaged after byte {_bufOffset + _end} of the decompressed text ({e.Message}); re-download or re-compress the file");
        }
        if (read == 0)
        {
            _eof = true;
        }
        _end += read;
    }

    private async ValueTask<bool> CheckBomAsync(CancellationToken cancellationToken)
    {
        while (_end - _start < 3 && !_eof)
        {
            await FillAsync(cancellationToken).ConfigureAwait(false);
        }
        _bomChecked = true;
        var head = _buf.AsSpan(_start, _end - _start);
        if (head.StartsWith(new byte[] { 0xEF, 0xBB, 0xBF }))
        {
            _start += 3;
        }
        else if (head.StartsWith(new byte[] { 0xFF, 0xFE }) || head.StartsWith(new byte[] { 0xFE, 0xFF }))
        {
            throw new DataException($"{Description} is UTF-16 text (it starts with a UTF-16 byte-order mark); convert it to UTF-8 first, e.g. 'iconv -f UTF-16 -t UTF-8'");
        }
        return true;
    }

    private string DecodeOrThrow(ReadOnlySpan<byte> bytes, int field)
    {
        if (!System.Text.Unicode.Utf8.IsValid(bytes))
        {
            throw new DataException($"{Description} line {Line}: header field {field + 1} is not valid UTF-8; convert the file to UTF-8");
        }
        return Encoding.UTF8.GetString(bytes);
    }
}
