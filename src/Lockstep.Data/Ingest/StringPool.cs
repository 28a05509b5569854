using System.Text;

namespace Lockstep.Data.Ingest;

/// <summary>
/// Turns UTF-8 fields into strings, reusing one string per distinct short value: categorical
/// columns (a handful of values repeated millions of times) then neither decode nor allocate per
/// row. Keyed by the UTF-8 bytes in a small open-addressing table, so a hit costs one hash and
/// one byte comparison.
/// </summary>
internal sealed class StringPool
{
    private const int MaxPooledLength = 64;
    private const int Capacity = 1 << 14;
    private const int MaxEntries = Capacity / 2;
    private readonly int[] _hashes = new int[Capacity];
    private readonly byte[]?[] _keys = new byte[]?[Capacity];
    private readonly string?[] _values = new string?[Capacity];
    private int _count;

    public string Get(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length == 0)
        {
            return "";
        }
        if (utf8.Length > MaxPooledLength)
        {
            return Encoding.UTF8.GetString(utf8);
        }
        var hc = new HashCode();
        hc.AddBytes(utf8);
        var hash = hc.ToHashCode();
        var slot = hash & (Capacity - 1);
        while (true)
        {
            var key = _keys[slot];
            if (key is null)
            {
                var s = Encoding.UTF8.GetString(utf8);
                if (_count < MaxEntries)
                {
                    _keys[slot] = utf8.ToArray();
                    _hashes[slot] = hash;
                    _values[slot] = s;
                    _count++;
                }
                return s;
            }
            if (_hashes[slot] == hash && utf8.SequenceEqual(key))
            {
                return _values[slot]!;
            }
            slot = (slot + 1) & (Capacity - 1);
        }
    }
}
