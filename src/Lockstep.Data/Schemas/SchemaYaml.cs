using System.Globalization;
using Lockstep.Data.Tables;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Lockstep.Data.Schemas;

/// <summary>Reads schema YAML with errors that name the file, line and column of the mistake.</summary>
internal static class SchemaYaml
{
    private static readonly HashSet<string> ColumnKeys = ["type", "nullable", "max_missing_rate", "min", "max", "allowed", "unique"];

    public static string Quote(string s) =>
        s.Length > 0 && s.All(ch => char.IsLetterOrDigit(ch) || ch is '_' or '-' or '.' or ' ' or '<' or '>') && !char.IsWhiteSpace(s[0]) && !char.IsWhiteSpace(s[^1])
            && s is not ("true" or "false" or "null" or "yes" or "no" or "~") && !double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out _)
            ? s
            : "\"" + s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    public static string Number(double d) => d.ToString("R", CultureInfo.InvariantCulture);

    public static DatasetSchema Parse(string yaml, string source)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException e)
        {
            throw new DataException($"{source}:{e.Start.Line}:{e.Start.Column}: not valid YAML: {e.Message}");
        }
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw new DataException($"{source}: a schema is a mapping with 'format: {DatasetSchema.CurrentFormat}' and 'columns:'");
        }
        string? label = null;
        long? minRows = null, maxRows = null;
        var columns = new List<ColumnSchema>();
        foreach (var (k, v) in root.Children)
        {
            var key = Scalar(k, source);
            switch (key)
            {
                case "format":
                    var format = Scalar(v, source);
                    if (format != DatasetSchema.CurrentFormat)
                    {
                        throw Error(source, v, $"schema format '{format}' is not readable by this version; it reads '{DatasetSchema.CurrentFormat}'");
                    }
                    break;
                case "label":
                    label = Scalar(v, source);
                    break;
                case "rows":
                    foreach (var (rk, rv) in Map(v, source))
                    {
                        switch (Scalar(rk, source))
                        {
                            case "min": minRows = (long)Double(rv, source); break;
                            case "max": maxRows = (long)Double(rv, source); break;
                            default: throw Error(source, rk, "'rows' takes 'min' and 'max'");
                        }
                    }
                    break;
                case "columns":
                    foreach (var (ck, cv) in Map(v, source))
                    {
                        columns.Add(Column(Scalar(ck, source), cv, source));
                    }
                    break;
                default:
                    throw Error(source, k, $"unknown key '{key}'; a schema has format, label, rows and columns");
            }
        }
        if (label is not null && columns.All(c => c.Name != label))
        {
            columns.Add(new ColumnSchema { Name = label });
        }
        return new DatasetSchema { Columns = columns, Label = label, MinRows = minRows, MaxRows = maxRows };
    }

    private static ColumnSchema Column(string name, YamlNode node, string source)
    {
        var c = new ColumnSchema { Name = name };
        if (node is YamlScalarNode { Value: null or "" or "~" })
        {
            return c;
        }
        foreach (var (k, v) in Map(node, source))
        {
            var key = Scalar(k, source);
            c = key switch
            {
                "type" => c with { Type = ColumnTypes.TryParse(Scalar(v, source), out var t) ? t : throw Error(source, v, $"column '{name}': type '{Scalar(v, source)}' is not {ColumnTypes.Accepted}") },
                "nullable" => c with { Nullable = Bool(v, source) },
                "max_missing_rate" => c with { MaxMissingRate = Double(v, source) },
                "min" => c with { Min = Double(v, source) },
                "max" => c with { Max = Double(v, source) },
                "unique" => c with { Unique = Bool(v, source) },
                "allowed" => c with { Allowed = v is YamlSequenceNode seq ? seq.Children.Select(x => Scalar(x, source)).ToArray() : throw Error(source, v, $"column '{name}': 'allowed' is a list, e.g. [a, b]") },
                _ => throw Error(source, k, $"column '{name}': unknown expectation '{key}'; use {string.Join(", ", ColumnKeys)}"),
            };
        }
        return c;
    }

    private static YamlMappingNode Map(YamlNode node, string source) =>
        node as YamlMappingNode ?? throw Error(source, node, "expected a mapping (key: value lines)");

    private static string Scalar(YamlNode node, string source) =>
        node is YamlScalarNode s ? s.Value ?? "" : throw Error(source, node, "expected a single value");

    private static double Double(YamlNode node, string source) =>
        double.TryParse(Scalar(node, source), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : throw Error(source, node, $"'{Scalar(node, source)}' is not a number");

    private static bool Bool(YamlNode node, string source) => Scalar(node, source).ToLowerInvariant() switch
    {
        "true" or "yes" => true,
        "false" or "no" => false,
        var other => throw Error(source, node, $"'{other}' is not true or false"),
    };

    private static DataException Error(string source, YamlNode node, string message) =>
        new($"{source}:{node.Start.Line}:{node.Start.Column}: {message}");
}
