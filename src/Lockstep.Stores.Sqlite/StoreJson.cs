using System.Text;
using System.Text.Json;
using Lockstep.Hashing;
using Lockstep.Storage;

namespace Lockstep.Stores.Sqlite;

/// <summary>
/// Reads the JSON columns that a cached run reads for every step (a cache entry's outputs and
/// metrics) with <see cref="Utf8JsonReader"/>, and writes the metrics column with
/// <see cref="Utf8JsonWriter"/>, by hand. The source-generated context reads a
/// <c>Dictionary&lt;string, double&gt;</c> through the serializer's generic dictionary converter
/// over <c>double</c>, code no precompiled image holds: the JIT compiled ≈ 15 methods (one of
/// 3.7 KB) for it in every cached run. Same grammar as the serializer's default options: exact
/// (case-sensitive) member names, numbers as JSON numbers, unknown members skipped, a JSON null
/// read as empty.
/// </summary>
internal static class StoreJson
{
    /// <summary>A metrics column: <c>{"name": number, …}</c>.</summary>
    public static Dictionary<string, double> ReadMetrics(string json)
    {
        var result = new Dictionary<string, double>(StringComparer.Ordinal);
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(json));
        if (!Open(ref reader, JsonTokenType.StartObject))
        {
            return result;
        }
        while (Read(ref reader) != JsonTokenType.EndObject)
        {
            Expect(ref reader, JsonTokenType.PropertyName);
            var name = reader.GetString()!;
            Read(ref reader);
            Expect(ref reader, JsonTokenType.Number);
            result[name] = reader.GetDouble();
        }
        return result;
    }

    /// <summary>
    /// A metrics column, as the serializer's default options write it (the same escaping and
    /// number format: both go through <see cref="Utf8JsonWriter"/>). A cached step has no new
    /// metrics, so the common case writes "{}" without enumerating anything.
    /// </summary>
    public static string WriteMetrics(IReadOnlyDictionary<string, double> metrics)
    {
        if (metrics.Count == 0)
        {
            return "{}";
        }
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var (name, value) in metrics)
            {
                writer.WriteNumber(name, value);
            }
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>An outputs column: <c>[{"Name": …, "Hash": …, "Size": …}, …]</c>.</summary>
    public static List<ArtifactBinding> ReadOutputs(string json)
    {
        var result = new List<ArtifactBinding>();
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(json));
        if (!Open(ref reader, JsonTokenType.StartArray))
        {
            return result;
        }
        while (Read(ref reader) != JsonTokenType.EndArray)
        {
            Expect(ref reader, JsonTokenType.StartObject);
            string? name = null, hash = null;
            long size = 0;
            while (Read(ref reader) != JsonTokenType.EndObject)
            {
                Expect(ref reader, JsonTokenType.PropertyName);
                if (reader.ValueTextEquals("Name"u8))
                {
                    Read(ref reader);
                    name = reader.TokenType == JsonTokenType.Null ? null : reader.GetString();
                }
                else if (reader.ValueTextEquals("Hash"u8))
                {
                    Read(ref reader);
                    hash = reader.TokenType == JsonTokenType.Null ? null : reader.GetString();
                }
                else if (reader.ValueTextEquals("Size"u8))
                {
                    Read(ref reader);
                    Expect(ref reader, JsonTokenType.Number);
                    size = reader.GetInt64();
                }
                else
                {
                    Read(ref reader);
                    reader.Skip();
                }
            }
            if (name is null || hash is null)
            {
                throw new JsonException("a stored output has no name or no hash");
            }
            result.Add(new ArtifactBinding(name, ContentHash.Parse(hash), size, null));
        }
        return result;
    }

    /// <summary>Reads the first token: false for a JSON null (an empty column), else it must be <paramref name="start"/>.</summary>
    private static bool Open(ref Utf8JsonReader reader, JsonTokenType start)
    {
        if (Read(ref reader) == JsonTokenType.Null)
        {
            return false;
        }
        Expect(ref reader, start);
        return true;
    }

    private static JsonTokenType Read(ref Utf8JsonReader reader)
    {
        if (!reader.Read())
        {
            throw new JsonException("the stored JSON ends early");
        }
        return reader.TokenType;
    }

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType type)
    {
        if (reader.TokenType != type)
        {
            throw new JsonException($"the stored JSON has {reader.TokenType} where {type} belongs");
        }
    }
}
