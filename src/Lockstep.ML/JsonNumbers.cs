using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Lockstep.ML;

/// <summary>
/// Reads a number from a JSON node whatever backs it (the YAML loader makes long, int or double
/// values; parsed JSON makes JsonElements); JsonValue.TryGetValue&lt;double&gt; alone misses most.
/// </summary>
public static class JsonNumbers
{
    public static bool TryGet(JsonNode? node, out double value)
    {
        value = 0;
        if (node is not JsonValue v)
        {
            return false;
        }
        if (v.TryGetValue(out double d)) { value = d; return true; }
        if (v.TryGetValue(out long l)) { value = l; return true; }
        if (v.TryGetValue(out int i)) { value = i; return true; }
        if (v.TryGetValue(out float f)) { value = f; return true; }
        if (v.TryGetValue(out decimal m)) { value = (double)m; return true; }
        if (v.TryGetValue(out JsonElement e) && e.ValueKind == JsonValueKind.Number) { value = e.GetDouble(); return true; }
        return v.TryGetValue(out string? s) && double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }

    public static double? Get(JsonNode? node) => TryGet(node, out var v) ? v : null;

    public static bool? GetBool(JsonNode? node) =>
        node is JsonValue v && v.TryGetValue(out bool b) ? b
        : node is JsonValue e && e.TryGetValue(out JsonElement el) && el.ValueKind is JsonValueKind.True or JsonValueKind.False ? el.GetBoolean()
        : null;
}
