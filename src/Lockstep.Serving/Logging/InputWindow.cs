using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Lockstep.Serving.Logging;

/// <summary>
/// The lines of a batch run's input object as a format 3 block's reader asks for them, read
/// through a window of at most a few MB (a run's rows come in file order, so one window serves many
/// rows): reading a run's log back takes bounded memory, whatever the size of its input.
/// </summary>
public sealed class InputWindow : IDisposable
{
    private const int WindowBytes = 1 << 20;

    private readonly int _windowBytes = WindowBytes;

    private readonly SafeFileHandle? _file;
    private readonly ReadOnlyMemory<byte> _bytes;
    private byte[] _buffer = [];
    private long _windowStart;
    private int _windowLength;

    private InputWindow(SafeFileHandle? file, ReadOnlyMemory<byte> bytes, long length, int windowBytes = WindowBytes)
    {
        _windowBytes = windowBytes;
        _file = file;
        _bytes = bytes;
        Length = length;
    }

    /// <summary>The object's size in bytes.</summary>
    public long Length { get; }

    /// <summary>An input held in memory.</summary>
    public static InputWindow Of(ReadOnlyMemory<byte> bytes) => new(null, bytes, bytes.Length);

    /// <summary>An input object's file (already verified by the caller), read as rows ask for it.</summary>
    public static InputWindow Open(string path) => Open(path, WindowBytes);

    /// <summary><see cref="Open(string)"/> with a window of <paramref name="windowBytes"/> (the tests' small windows).</summary>
    internal static InputWindow Open(string path, int windowBytes)
    {
        var file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        try
        {
            return new InputWindow(file, default, RandomAccess.GetLength(file), windowBytes);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>The line at bytes [start, start + length) decoded as UTF-8; null when that lies outside the object.</summary>
    public string? Line(long start, long length)
    {
        if (start < 0 || length < 0 || length > Length - start)
        {
            return null;
        }
        if (_file is null)
        {
            return Encoding.UTF8.GetString(_bytes.Span.Slice((int)start, (int)length));
        }
        if (start < _windowStart || start + length > _windowStart + _windowLength)
        {
            if (length > _buffer.Length || _buffer.Length == 0)
            {
                _buffer = new byte[Math.Max(_windowBytes, (int)length)];
            }
            var want = (int)Math.Min(_buffer.Length, Length - start);
            var read = 0;
            while (read < want)
            {
                var n = RandomAccess.Read(_file, _buffer.AsSpan(read, want - read), start + read);
                if (n == 0)
                {
                    return null;
                }
                read += n;
            }
            _windowStart = start;
            _windowLength = read;
        }
        return Encoding.UTF8.GetString(_buffer.AsSpan((int)(start - _windowStart), (int)length));
    }

    public void Dispose() => _file?.Dispose();
}
