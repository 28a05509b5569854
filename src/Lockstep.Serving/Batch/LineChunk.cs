using System.Runtime.InteropServices;

namespace Lockstep.Serving.Batch;

/// <summary>
/// One chunk's data lines, their characters one after the other in one native buffer, each line
/// with its line number in the file. Replaces a string per line (<c>StreamReader.ReadLine</c>):
/// 16k strings of adult.test were ~4 MB of fresh heap per run, allocated and cleared on the
/// reading thread, which shares the two cores with the workers. Written by the reading thread
/// only while no worker reads it (see <see cref="BatchScorer"/>'s pipeline).
/// </summary>
internal sealed class LineChunk : IDisposable
{
    private readonly NativeBufferWriter _chars = new(1 << 20);
    private (int Number, int Start, int Length)[] _lines = new (int, int, int)[BatchScorer.ChunkRows];
    private (long Start, int Length)[] _bytes = new (long, int)[BatchScorer.ChunkRows];

    public int Count { get; private set; }

    /// <summary>The line's number in the file (1-based, counting every line).</summary>
    public int Number(int index) => _lines[index].Number;

    /// <summary>Where the line's bytes lie in the file (without its line break); a start of −1 when the run does not place lines.</summary>
    public (long Start, int Length) Bytes(int index) => _bytes[index];

    /// <summary>The line's characters, without its line break.</summary>
    public ReadOnlySpan<char> this[int index]
    {
        get
        {
            var (_, start, length) = _lines[index];
            return MemoryMarshal.Cast<byte, char>(_chars.WrittenSpan).Slice(start, length);
        }
    }

    public void Clear()
    {
        Count = 0;
        _chars.ResetWrittenCount();
    }

    public void Add(int number, ReadOnlySpan<char> line, long byteStart = -1, int byteLength = 0)
    {
        var bytes = MemoryMarshal.AsBytes(line);
        var start = _chars.WrittenCount / sizeof(char);
        bytes.CopyTo(_chars.GetSpan(bytes.Length));
        _chars.Advance(bytes.Length);
        if (Count == _lines.Length)
        {
            Array.Resize(ref _lines, _lines.Length * 2);
            Array.Resize(ref _bytes, _bytes.Length * 2);
        }
        _bytes[Count] = (byteStart, byteLength);
        _lines[Count++] = (number, start, line.Length);
    }

    public void Dispose() => _chars.Dispose();
}
