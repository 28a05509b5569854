using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Lockstep.Hashing;

/// <summary>
/// One byte sequence per value: object keys sorted by ordinal, no white space, integers without a
/// fraction, other numbers in shortest round-trip form, strings with minimal escaping. Two values
/// that mean the same thing (<c>0.10</c> and <c>0.1</c>, keys in another order) serialise alike,
/// so parameters and cache keys hash alike.
/// </summary>
public static class CanonicalJson
{
    public static string Serialize(JsonNode? node)
    {
        var sb = new StringBuilder();
        Write(sb, node);
        return sb.ToString();
    }

    public static ContentHash Hash(JsonNode? node) => ContentHasher.HashString(Serialize(node));

    /// <summary>Parses <paramref name="json"/> and re-serialises it canonically.</summary>
    public static string Canonicalize(string json) => Serialize(JsonNode.Parse(json));

    private static void Write(StringBuilder sb, JsonNode? node)
    {
        switch (node)
        {
            case null:
                sb.Append("null");
                break;
            case JsonObject obj:
                sb.Append('{');
                // Keys sorted as a string array, values looked up: a LINQ sort over the object's
                // key/value structs is generic code over a struct that no precompiled image holds,
                // so it cost every process that hashes JSON ≈ 15 JIT-compiled methods.
                var keys = new string[obj.Count];
                var k = 0;
                foreach (var property in obj)
                {
                    keys[k++] = property.Key;
                }
                Array.Sort(keys, StringComparer.Ordinal);
                for (var i = 0; i < keys.Length; i++)
                {
                    if (i > 0)
                    {
                        sb.Append(',');
                    }
                    WriteString(sb, keys[i]);
                    sb.Append(':');
                    Write(sb, obj[keys[i]]);
                }
                sb.Append('}');
                break;
            case JsonArray array:
                sb.Append('[');
                for (var i = 0; i < array.Count; i++)
                {
                    if (i > 0)
                    {
                        sb.Append(',');
                    }
                    Write(sb, array[i]);
                }
                sb.Append(']');
                break;
            case JsonValue value:
                WriteValue(sb, value);
                break;
            default:
                throw new NotSupportedException($"unexpected JSON node {node.GetType().Name}");
        }
    }

    private static void WriteValue(StringBuilder sb, JsonValue value)
    {
        switch (value.GetValueKind())
        {
            case JsonValueKind.String:
                WriteString(sb, value.GetValue<string>());
                break;
            case JsonValueKind.True:
                sb.Append("true");
                break;
            case JsonValueKind.False:
                sb.Append("false");
                break;
            case JsonValueKind.Null:
                sb.Append("null");
                break;
            case JsonValueKind.Number:
                WriteNumber(sb, value);
                break;
            default:
                throw new NotSupportedException($"unexpected JSON value kind {value.GetValueKind()}");
        }
    }

    private static void WriteNumber(StringBuilder sb, JsonValue value)
    {
        // Integers below 9e15 from the number's JSON text first: every branch below writes such a
        // value as the same integer text, and TryGetValue<T> is a generic virtual method whose
        // instantiations the precompiled image lacks (this method and 5 more were JIT-compiled in
        // every run). Larger integers and fractions take the typed path, unchanged.
        if (long.TryParse(value.ToJsonString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var small) && Math.Abs(small) < 9_000_000_000_000_000)
        {
            sb.Append(small.ToString(CultureInfo.InvariantCulture));
            return;
        }
        WriteTypedNumber(sb, value);
    }

    // A method of its own, so that the common path above stays precompiled: the shipped image
    // leaves out a method with these generic virtual calls (or its double-to-long cast), and the
    // JIT compiled all of it, 1 KB, in every run.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static void WriteTypedNumber(StringBuilder sb, JsonValue value)
    {
        if (value.TryGetValue<long>(out var l))
        {
            sb.Append(l.ToString(CultureInfo.InvariantCulture));
            return;
        }
        if (value.TryGetValue<int>(out var i))
        {
            sb.Append(i.ToString(CultureInfo.InvariantCulture));
            return;
        }
        double d;
        if (value.TryGetValue<double>(out var dd))
        {
            d = dd;
        }
        else if (value.TryGetValue<decimal>(out var m))
        {
            d = (double)m;
        }
        else if (value.TryGetValue<float>(out var f))
        {
            d = f;
        }
        else
        {
            d = double.Parse(value.ToJsonString(), CultureInfo.InvariantCulture);
        }
        if (double.IsNaN(d) || double.IsInfinity(d))
        {
            throw new ArgumentException("JSON has no representation for NaN or infinity");
        }
        if (d == Math.Floor(d) && Math.Abs(d) < 9e15)
        {
            sb.Append(((long)d).ToString(CultureInfo.InvariantCulture));
        }
        else
        {
            sb.Append(d.ToString("R", CultureInfo.InvariantCulture));
        }
    }

    private static void WriteString(StringBuilder sb, string s)
    {
        sb.Append('"');
        foreach (var c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                default:
                    if (c < 0x20)
                    {
                        sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(c);
                    }
                    break;
            }
        }
        sb.Append('"');
    }
}
