using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Lockstep.ML;

/// <summary>
/// Reads numbers and booleans from ML step parameters: numbers of any backing type (through
/// <see cref="Lockstep.Steps.JsonNumbers"/>) and numbers written as text.
/// </summary>
public static class JsonNumbers
{
    public static bool TryGet(JsonNode? node, out double value)
    {
        // Numbers of any backing type are core's job; ML parameters also accept numbers written as text.
        if (Lockstep.Steps.JsonNumbers.TryGetDouble(node, out value))
        {
            return true;
        }
        return node is JsonValue v && v.TryGetValue(out string? s) && double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }

    public static double? Get(JsonNode? node) => TryGet(node, out var v) ? v : null;

    public static bool? GetBool(JsonNode? node) =>
        node is JsonValue v && v.TryGetValue(out bool b) ? b
        : node is JsonValue e && e.TryGetValue(out JsonElement el) && el.ValueKind is JsonValueKind.True or JsonValueKind.False ? el.GetBoolean()
        : null;
}
