using System.Globalization;

namespace Lockstep.Serving.Batch;

/// <summary>
/// A cell's number as <c>double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture)</c>
/// reads it, with a shortcut for the commonest cells of a CSV file: plain integers (an optional
/// minus and up to 15 digits), which convert exactly — every such value is below 2^53, so the
/// conversion from the integer is the correctly rounded result the parser gives; "-0" is −0.0 as
/// the parser gives. A cell starting with an ASCII letter other than i, n, I or N (the starts of
/// "Infinity" and "NaN", which the parser accepts in any case) is no number without asking the
/// parser: most text cells (categories) end here. Anything else goes to <c>double.TryParse</c>.
/// </summary>
internal static class CellNumber
{
    public static bool TryParse(ReadOnlySpan<char> text, out double value)
    {
        var negative = text.Length > 1 && text[0] == '-';
        var digits = negative ? text[1..] : text;
        if (digits.Length is > 0 and <= 15)
        {
            long n = 0;
            var i = 0;
            for (; i < digits.Length; i++)
            {
                var d = digits[i] - '0';
                if ((uint)d > 9)
                {
                    break;
                }
                n = (n * 10) + d;
            }
            if (i == digits.Length)
            {
                value = negative ? (n == 0 ? -0.0 : -(double)n) : n;
                return true;
            }
        }
        if (text.Length > 0 && char.IsAsciiLetter(text[0]) && (text[0] | 0x20) is not ('i' or 'n'))
        {
            value = 0;
            return false;
        }
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }
}
