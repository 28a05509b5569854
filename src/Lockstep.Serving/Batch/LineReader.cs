namespace Lockstep.Serving.Batch;

/// <summary>
/// Reads a text file's lines as spans of one reused buffer, split as
/// <see cref="StreamReader.ReadLine"/> splits them (at "\n", "\r\n" or a lone "\r"; no empty
/// line after a final line break), without a string per line. The characters come from the
/// <see cref="StreamReader"/> (its encoding detection and UTF-8 decoding). Not thread-safe.
/// </summary>
internal sealed class LineReader(StreamReader input)
{
    private char[] _buffer = new char[1 << 15];
    private int _start;
    private int _end;
    private bool _eof;

    /// <summary>The length of the last line's line break: 0 (the file's end), 1 ("\n" or "\r") or 2 ("\r\n"); ASCII, so as many bytes in UTF-8.</summary>
    public int LastBreak { get; private set; }

    /// <summary>The next line (valid until the next call); false at the end of the file.</summary>
    public bool TryRead(out ReadOnlySpan<char> line)
    {
        var scanned = 0;
        while (true)
        {
            var rest = _buffer.AsSpan(_start, _end - _start);
            var at = rest[scanned..].IndexOfAny('\r', '\n');
            if (at >= 0)
            {
                at += scanned;
                // A "\r" at the buffer's end may be the first half of "\r\n": read on first.
                if (rest[at] == '\r' && at == rest.Length - 1 && !_eof)
                {
                    scanned = at;
                    Fill();
                    continue;
                }
                line = rest[..at];
                var skip = rest[at] == '\r' && at + 1 < rest.Length && rest[at + 1] == '\n' ? 2 : 1;
                _start += at + skip;
                LastBreak = skip;
                return true;
            }
            if (_eof)
            {
                if (rest.IsEmpty)
                {
                    line = default;
                    return false;
                }
                line = rest;
                _start = _end;
                LastBreak = 0;
                return true;
            }
            scanned = rest.Length;
            Fill();
        }
    }

    /// <summary>Moves the unread characters to the front (growing the buffer for a long line) and reads more.</summary>
    private void Fill()
    {
        var unread = _end - _start;
        if (unread > _buffer.Length / 2)
        {
            var larger = new char[_buffer.Length * 2];
            _buffer.AsSpan(_start, unread).CopyTo(larger);
            _buffer = larger;
        }
        else
        {
            _buffer.AsSpan(_start, unread).CopyTo(_buffer);
        }
        _start = 0;
        _end = unread;
        var n = input.Read(_buffer.AsSpan(_end));
        if (n == 0)
        {
            _eof = true;
        }
        _end += n;
    }
}
