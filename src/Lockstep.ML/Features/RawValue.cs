using System.Globalization;
using System.Text.Json;

namespace Lockstep.ML.Features;

/// <summary>
/// One raw input value as the preprocessing sees it: a number, a text, or missing. Training rows
/// and serving requests are both turned into these, so both take the same encoding path.
/// </summary>
public readonly struct RawValue
{
    private RawValue(double number, string? text, bool isNumber)
    {
        Number = number;
        Text = text;
        IsNumber = isNumber;
    }

    public static RawValue Missing => default;

    public double Number { get; }

    public string? Text { get; }

    public bool IsNumber { get; }

    public static RawValue FromNumber(double value) => new(value, null, true);

    public static RawValue FromText(string? value) => new(double.NaN, value, false);

    /// <summary>
    /// Converts what a caller hands in (string, any number type, bool, a <see cref="JsonElement"/>
    /// from a request body, or null) to a raw value.
    /// </summary>
    public static RawValue FromObject(object? value) => value switch
    {
        null => Missing,
        string s => FromText(s),
        double d => FromNumber(d),
        float f => FromNumber(f),
        int i => FromNumber(i),
        long l => FromNumber(l),
        decimal m => FromNumber((double)m),
        short s16 => FromNumber(s16),
        byte b => FromNumber(b),
        bool b => FromText(b ? "true" : "false"),
        JsonElement e => FromJson(e),
        _ => FromText(Convert.ToString(value, CultureInfo.InvariantCulture)),
    };

    private static RawValue FromJson(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Number => FromNumber(e.GetDouble()),
        JsonValueKind.String => FromText(e.GetString()),
        JsonValueKind.True => FromText("true"),
        JsonValueKind.False => FromText("false"),
        JsonValueKind.Null or JsonValueKind.Undefined => Missing,
        _ => FromText(e.GetRawText()),
    };

    /// <summary>The value as a number; NaN when missing or not a number.</summary>
    public double AsNumber() =>
        IsNumber ? Number
        : Text is { } s && double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d
        : double.NaN;

    /// <summary>The value as text (numbers in invariant round-trip form); null when missing.</summary>
    public string? AsText() =>
        IsNumber ? double.IsNaN(Number) ? null : Number.ToString("R", CultureInfo.InvariantCulture) : Text;
}
