using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Lockstep.ML;

/// <summary>The JSON settings of every file the ML steps write: camelCase, indented, nulls left out, same bytes for the same content.</summary>
public static class MLJson
{
    public static JsonSerializerOptions Options { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public static byte[] ToBytes<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, Options);

    public static T FromBytes<T>(byte[] bytes, string what) =>
        JsonSerializer.Deserialize<T>(bytes, Options) ?? throw new InvalidDataException($"{what} is empty");

    /// <summary>Reads with source-generated metadata (<see cref="MLJsonContext"/>): the same result as <see cref="FromBytes{T}(byte[], string)"/>.</summary>
    internal static T FromBytes<T>(byte[] bytes, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> info, string what) =>
        JsonSerializer.Deserialize(bytes, info) ?? throw new InvalidDataException($"{what} is empty");
}
