using System.Buffers;
using System.Text;

namespace Lockstep.Data.Ingest;

/// <summary>
/// Turns UTF-8 fields into strings, reusing one string per distinct short value: categorical
/// columns (a handful of values repeated millions of times) then allocate nothing per row.
/// </summary>
internal sealed class StringPool
{
    private const int MaxPooledLength = 64;
    private const int MaxEntries = 8192;
    private readonly Dictionary<string, string> _pool = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    public StringPool()
    {
        _lookup = _pool.GetAlternateLookup<ReadOnlySpan<char>>();
    }

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
        Span<char> chars = stackalloc char[MaxPooledLength];
        var n = Encoding.UTF8.GetChars(utf8, chars);
        var span = chars[..n];
        if (_lookup.TryGetValue(span, out var existing))
        {
            return existing;
        }
        var s = new string(span);
        if (_pool.Count < MaxEntries)
        {
            _pool[s] = s;
        }
        return s;
    }
}
