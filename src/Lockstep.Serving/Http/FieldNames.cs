using System.Collections.Concurrent;
using System.Text.Json;

namespace Lockstep.Serving.Http;

/// <summary>
/// Shares the strings of field names across requests: every row names the same dozen fields, and
/// a fresh string per name per request was most of a request's allocations. Bounded, since the
/// names come from clients: past <see cref="Capacity"/> distinct names, new ones are allocated.
/// </summary>
internal static class FieldNames
{
    public const int Capacity = 4096;

    private static readonly ConcurrentDictionary<string, string> Known = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> ByChars = Known.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>The current property name of <paramref name="reader"/> as a shared string.</summary>
    public static string Get(ref Utf8JsonReader reader)
    {
        Span<char> buffer = stackalloc char[128];
        if (reader.HasValueSequence || reader.ValueSpan.Length > buffer.Length)
        {
            return reader.GetString()!;
        }
        var n = reader.CopyString(buffer);
        var chars = buffer[..n];
        if (ByChars.TryGetValue(chars, out var known))
        {
            return known;
        }
        var name = chars.ToString();
        return Known.Count < Capacity ? Known.GetOrAdd(name, name) : name;
    }
}
