using System.Globalization;
using System.Text;

namespace Lockstep.Data.Ingest;

/// <summary>Parsing of one UTF-8 field into a typed value, without allocating.</summary>
internal static class FieldParsers
{
    public static bool TryInt64(ReadOnlySpan<byte> text, out long value) =>
        long.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite, CultureInfo.InvariantCulture, out value);

    public static bool TryDouble(ReadOnlySpan<byte> text, out double value) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);

    /// <summary>Strict form used for inference: only true/false in any case.</summary>
    public static bool TryBooleanStrict(ReadOnlySpan<byte> text, out bool value)
    {
        var t = text.Trim((byte)' ');
        if (t.Length == 4 && Ascii.EqualsIgnoreCase(t, "true"u8))
        {
            value = true;
            return true;
        }
        if (t.Length == 5 && Ascii.EqualsIgnoreCase(t, "false"u8))
        {
            value = false;
            return true;
        }
        value = false;
        return false;
    }

    /// <summary>Lenient form for a declared boolean column: also 1/0, yes/no, y/n, t/f.</summary>
    public static bool TryBoolean(ReadOnlySpan<byte> text, out bool value)
    {
        if (TryBooleanStrict(text, out value))
        {
            return true;
        }
        var t = text.Trim((byte)' ');
        if (t.SequenceEqual("1"u8) || Ascii.EqualsIgnoreCase(t, "yes"u8) || Ascii.EqualsIgnoreCase(t, "y"u8) || Ascii.EqualsIgnoreCase(t, "t"u8))
        {
            value = true;
            return true;
        }
        if (t.SequenceEqual("0"u8) || Ascii.EqualsIgnoreCase(t, "no"u8) || Ascii.EqualsIgnoreCase(t, "n"u8) || Ascii.EqualsIgnoreCase(t, "f"u8))
        {
            value = false;
            return true;
        }
        return false;
    }
}
