using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Lockstep.Pipelines;

/// <summary>
/// Converts YAML nodes to JSON nodes with the YAML 1.2 core schema: plain scalars become null,
/// booleans, integers or floats when they look like one; quoted scalars are always strings.
/// </summary>
public static partial class YamlScalars
{
    public static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlScalarNode scalar => ScalarToJson(scalar.Value ?? "", scalar.Style is ScalarStyle.Plain or ScalarStyle.Any),
        YamlSequenceNode sequence => new JsonArray(sequence.Children.Select(ToJson).ToArray()),
        YamlMappingNode mapping => ToJsonObject(mapping),
        _ => throw new NotSupportedException($"YAML aliases are not supported here ({node.Start})"),
    };

    /// <summary>Parses text as a plain YAML scalar would be (used for <c>--set name=value</c>).</summary>
    public static JsonNode? ParsePlain(string text) => ScalarToJson(text, plain: true);

    private static JsonObject ToJsonObject(YamlMappingNode mapping)
    {
        var obj = new JsonObject();
        foreach (var (key, value) in mapping.Children)
        {
            obj[((YamlScalarNode)key).Value ?? ""] = ToJson(value);
        }
        return obj;
    }

    private static JsonNode? ScalarToJson(string text, bool plain)
    {
        if (!plain)
        {
            return JsonValue.Create(text);
        }
        switch (text)
        {
            case "" or "~" or "null" or "Null" or "NULL":
                return null;
            case "true" or "True" or "TRUE":
                return JsonValue.Create(true);
            case "false" or "False" or "FALSE":
                return JsonValue.Create(false);
        }
        if (IntegerPattern().IsMatch(text) && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l))
        {
            return JsonValue.Create(l);
        }
        if (FloatPattern().IsMatch(text) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d))
        {
            return JsonValue.Create(d);
        }
        return JsonValue.Create(text);
    }

    [GeneratedRegex(@"^[-+]?[0-9]+$")]
    private static partial Regex IntegerPattern();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex FloatPattern();
}
