using System.Text;

namespace Lockstep.Data.Ingest;

/// <summary>Holds one record's fields as UTF-8 in one growing byte buffer, for sources that produce typed values.</summary>
internal sealed class FieldBuffer
{
    private byte[] _bytes = new byte[1024];
    private int _length;
    private int[] _start = new int[16];
    private int[] _len = new int[16];
    private bool[] _null = new bool[16];

    public int Count { get; private set; }

    public void Clear()
    {
        _length = 0;
        Count = 0;
    }

    public void AddNull() => Add([], isNull: true);

    public void Add(string text) => Add(Encoding.UTF8.GetBytes(text), false);

    public void Add<T>(T value) where T : IUtf8SpanFormattable
    {
        Span<byte> tmp = stackalloc byte[64];
        ReadOnlySpan<char> format = typeof(T) == typeof(double) || typeof(T) == typeof(float) ? "R" : default;
        if (value.TryFormat(tmp, out var written, format, System.Globalization.CultureInfo.InvariantCulture))
        {
            Add(tmp[..written], false);
        }
        else
        {
            Add(Encoding.UTF8.GetBytes(value.ToString() ?? ""), false);
        }
    }

    public ReadOnlySpan<byte> Field(int i) => _bytes.AsSpan(_start[i], _len[i]);

    public bool IsNull(int i) => _null[i];

    /// <summary>The fields joined by tabs, for the rejects file.</summary>
    public ReadOnlySpan<byte> Raw => _bytes.AsSpan(0, _length);

    private void Add(ReadOnlySpan<byte> bytes, bool isNull)
    {
        if (Count == _start.Length)
        {
            Array.Resize(ref _start, Count * 2);
            Array.Resize(ref _len, Count * 2);
            Array.Resize(ref _null, Count * 2);
        }
        var sep = Count > 0 ? 1 : 0;
        if (_bytes.Length < _length + bytes.Length + sep)
        {
            Array.Resize(ref _bytes, Math.Max(_bytes.Length * 2, _length + bytes.Length + sep));
        }
        if (sep == 1)
        {
            _bytes[_length++] = (byte)'\t';
        }
        bytes.CopyTo(_bytes.AsSpan(_length));
        _start[Count] = _length;
        _len[Count] = bytes.Length;
        _null[Count] = isNull;
        _length += bytes.Length;
        Count++;
    }
}
