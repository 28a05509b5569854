namespace Lockstep.Data.Ingest;

/// <summary>
/// Fast paths for the common shapes of numbers in data files ("42", "-3", "0.25"), falling back
/// to the BCL parsers for everything else (exponents, long mantissas, NaN, whitespace). The
/// decimal fast path is Clinger's: a mantissa below 2^53 divided by an exact power of ten up to
/// 10^22 is one correctly rounded IEEE operation, so the result equals double.Parse's.
/// </summary>
internal static class FastNumbers
{
    private static readonly double[] PowersOf10 =
    [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
        1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ];

    public static bool TryInt64(ReadOnlySpan<byte> s, out long value)
    {
        if (s.Length is > 0 and <= 18)
        {
            var neg = s[0] == (byte)'-';
            var i = neg || s[0] == (byte)'+' ? 1 : 0;
            if (i < s.Length)
            {
                long v = 0;
                for (; i < s.Length; i++)
                {
                    var d = (uint)(s[i] - '0');
                    if (d > 9)
                    {
                        goto Slow;
                    }
                    v = v * 10 + d;
                }
                value = neg ? -v : v;
                return true;
            }
        }
    Slow:
        return FieldParsers.TryInt64(s, out value);
    }

    public static bool TryDouble(ReadOnlySpan<byte> s, out double value)
    {
        if (s.Length is > 0 and <= 17)
        {
            var neg = s[0] == (byte)'-';
            var i = neg || s[0] == (byte)'+' ? 1 : 0;
            long mantissa = 0;
            var digits = 0;
            var fraction = -1;
            for (; i < s.Length; i++)
            {
                var c = s[i];
                var d = (uint)(c - '0');
                if (d <= 9)
                {
                    mantissa = mantissa * 10 + d;
                    digits++;
                }
                else if (c == (byte)'.' && fraction < 0)
                {
                    fraction = 0;
                    continue;
                }
                else
                {
                    goto Slow;
                }
                if (fraction >= 0)
                {
                    fraction++;
                }
            }
            if (digits > 0 && digits <= 15)
            {
                var scale = fraction < 0 ? 0 : fraction;
                var v = scale == 0 ? mantissa : mantissa / PowersOf10[scale];
                value = neg ? -v : v;
                return true;
            }
        }
    Slow:
        return FieldParsers.TryDouble(s, out value);
    }
}
