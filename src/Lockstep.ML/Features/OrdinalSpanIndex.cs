using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Lockstep.ML.Features;

/// <summary>
/// A read-only map from strings to their position in a list, looked up by a span of characters
/// (ordinal, case-sensitive) without making a string. Hand-written rather than
/// <c>Dictionary&lt;string, int&gt;.GetAlternateLookup&lt;ReadOnlySpan&lt;char&gt;&gt;()</c>
/// because that generic instantiation is not precompiled in Lockstep's ReadyToRun image: in a
/// short batch run it stays in the runtime's slow first-tier code, which showed as two to three
/// times the cost of this one (plain code in our own assembly, precompiled).
/// Open addressing with linear probing, at most half full; the last of equal keys wins (as a dictionary filled in list order).
/// </summary>
public sealed class OrdinalSpanIndex
{
    private readonly string?[] _keys;
    private readonly int[] _values;
    private readonly int _mask;
    private readonly int _longest;

    public OrdinalSpanIndex(IReadOnlyList<string> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var capacity = 4;
        while (capacity < keys.Count * 2)
        {
            capacity *= 2;
        }
        _keys = new string?[capacity];
        _values = new int[capacity];
        _mask = capacity - 1;
        _longest = keys.Count == 0 ? -1 : keys.Max(k => k.Length);
        for (var i = 0; i < keys.Count; i++)
        {
            var slot = Slot(keys[i]);
            _keys[slot] = keys[i];
            _values[slot] = i;
        }
    }

    public int Count => _keys.Count(k => k is not null);

    /// <summary>The (last) position of <paramref name="key"/> in the list given at creation, or −1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int IndexOf(ReadOnlySpan<char> key)
    {
        // Most cells are longer than any missing-value marker: no hash for them.
        if (key.Length > _longest)
        {
            return -1;
        }
        var slot = Slot(key);
        return _keys[slot] is null ? -1 : _values[slot];
    }

    public bool Contains(ReadOnlySpan<char> key) => IndexOf(key) >= 0;

    /// <summary>The slot holding <paramref name="key"/>, or the empty slot where it would go.</summary>
    private int Slot(ReadOnlySpan<char> key)
    {
        var slot = Hash(key) & _mask;
        while (_keys[slot] is { } existing && !key.Equals(existing, StringComparison.Ordinal))
        {
            slot = (slot + 1) & _mask;
        }
        return slot;
    }

    /// <summary>
    /// A multiply-xorshift hash over the characters four at a time (deterministic; only ever
    /// used for this table's slots). FNV-1a, one character at a time, was a chain of dependent
    /// multiplies: measured at a third of a batch row's category lookups (adult: 8 category
    /// cells per row, each looked up twice, by the clean check and by the encoder).
    /// </summary>
    private static int Hash(ReadOnlySpan<char> key)
    {
        const ulong K = 0x9E3779B97F4A7C15;
        var h = (ulong)key.Length * K;
        ref var c0 = ref MemoryMarshal.GetReference(key);
        var i = 0;
        for (; i + 4 <= key.Length; i += 4)
        {
            h = (h ^ Unsafe.ReadUnaligned<ulong>(ref Unsafe.As<char, byte>(ref Unsafe.Add(ref c0, i)))) * K;
            h ^= h >> 29;
        }
        ulong tail = 0;
        for (; i < key.Length; i++)
        {
            tail = (tail << 16) | Unsafe.Add(ref c0, i);
        }
        h = (h ^ tail) * K;
        h ^= h >> 32;
        return (int)h;
    }
}
