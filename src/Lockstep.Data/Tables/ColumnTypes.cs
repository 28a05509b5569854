namespace Lockstep.Data.Tables;

/// <summary>Names of column types as users write them in YAML (<c>int64</c>, <c>double</c>, <c>string</c>, <c>boolean</c>).</summary>
public static class ColumnTypes
{
    /// <summary>The lower-case name used in configs and reports.</summary>
    public static string ToName(this ColumnType type) => type switch
    {
        ColumnType.Int64 => "int64",
        ColumnType.Double => "double",
        ColumnType.String => "string",
        ColumnType.Boolean => "boolean",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    /// <summary>Parses a type name; accepts common aliases (int, integer, long, float, number, text, str, bool).</summary>
    public static bool TryParse(string? text, out ColumnType type)
    {
        switch (text?.Trim().ToLowerInvariant())
        {
            case "int64" or "int" or "integer" or "long":
                type = ColumnType.Int64;
                return true;
            case "double" or "float" or "float64" or "number" or "real":
                type = ColumnType.Double;
                return true;
            case "string" or "text" or "str" or "category" or "categorical":
                type = ColumnType.String;
                return true;
            case "boolean" or "bool":
                type = ColumnType.Boolean;
                return true;
            default:
                type = default;
                return false;
        }
    }

    /// <summary>The names accepted by <see cref="TryParse"/>, for error messages.</summary>
    public const string Accepted = "int64, double, string or boolean";
}
