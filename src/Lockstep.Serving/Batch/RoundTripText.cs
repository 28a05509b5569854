using System.Globalization;

namespace Lockstep.Serving.Batch;

/// <summary>
/// A double as UTF-8 exactly as <c>value.TryFormat(utf8, out n, "R", CultureInfo.InvariantCulture)</c>
/// writes it (the shortest text that reads back as the same double), with a fast path for the
/// numbers a batch run writes twice per row: scores and probabilities, in fixed notation
/// (3e-5 ≤ |x| &lt; 1e15). Why hand-written: the framework finds the digits with Grisu3 (Dragon4
/// when it gives up), and in Lockstep's ReadyToRun image Grisu3's power table lookup and Dragon4
/// with its big integers are not precompiled (they read their tables through spans the image cannot
/// hold): a short `lockstep predict` ran them as first-tier JIT code for the whole run and compiled
/// Dragon4 in the middle of it. This path is plain integer arithmetic in our own assembly.
/// How: x = m / 2^s exactly; scaled by 10^P (P chosen so x has 17 or 18 digits before the point)
/// the numbers that read back as x lie strictly between (2m·10^P ∓ 10^P) / 2^(s+1) (half a unit
/// in the last place either side); the shortest text is the nearest multiple of the largest
/// 10^j inside that interval. Anything the argument does not cover exactly goes to the framework:
/// powers of two (their interval is lopsided), an interval end on an integer, a tie between two
/// candidates, and numbers outside the range or that the framework writes in exponent form.
/// Tests compare both on millions of floats and doubles.
/// </summary>
internal static class RoundTripText
{
    /// <summary>10^0 … 10^19.</summary>
    private static readonly ulong[] Pow10 = Powers();

    /// <summary>10^0 … 10^22 (plain loops: generic LINQ over these types would not be precompiled).</summary>
    private static readonly UInt128[] Pow10Wide = WidePowers();

    /// <summary>Writes <paramref name="value"/> into <paramref name="destination"/> (at least 32 bytes); returns the bytes written.</summary>
    public static int Write(double value, Span<byte> destination)
    {
        if (TryFast(value, destination, out var written))
        {
            return written;
        }
        value.TryFormat(destination, out written, "R", CultureInfo.InvariantCulture);
        return written;
    }

    private static ulong[] Powers()
    {
        var p = new ulong[20];
        p[0] = 1;
        for (var i = 1; i < p.Length; i++)
        {
            p[i] = p[i - 1] * 10;
        }
        return p;
    }

    private static UInt128[] WidePowers()
    {
        var p = new UInt128[23];
        p[0] = 1;
        for (var i = 1; i < p.Length; i++)
        {
            p[i] = p[i - 1] * 10;
        }
        return p;
    }

    internal static bool TryFast(double value, Span<byte> destination, out int written)
    {
        written = 0;
        var bits = BitConverter.DoubleToUInt64Bits(value);
        var biased = (int)(bits >> 52) & 0x7FF;
        var fraction = bits & ((1UL << 52) - 1);
        // Zero, subnormals, infinities, NaN, and powers of two (lopsided interval).
        if (biased == 0 || biased == 0x7FF || fraction == 0)
        {
            return false;
        }
        var m = fraction | (1UL << 52);
        // |x| = m / 2^s, in [2^(52 − s), 2^(53 − s)): s in [3, 67] is [3.05e-5, 1.13e15).
        var s = 1075 - biased;
        if (s is < 3 or > 67)
        {
            return false;
        }
        // floor(log10 of the lower end); x has 17 or 18 digits before the point once scaled by 10^P.
        var k = ((52 - s) * 78913) >> 18;
        var p = 16 - k;
        var a = (UInt128)m * Pow10Wide[p];
        var b = Pow10Wide[p];
        var lo = (a << 1) - b;
        var hi = (a << 1) + b;
        var unit = s + 1;
        var fracMask = (UInt128.One << unit) - 1;
        if ((lo & fracMask) == 0 || (hi & fracMask) == 0)
        {
            return false;
        }
        var low = (ulong)(lo >> unit);
        var high = (ulong)(hi >> unit);
        if (low + 1 > high)
        {
            return false;
        }
        // The largest 10^j with a multiple strictly inside (low, high]: multiples of 10^j are
        // multiples of every smaller power, so the first failure ends the search.
        var j = 0;
        while (j + 1 < Pow10.Length && ((low / Pow10[j + 1]) + 1) * Pow10[j + 1] <= high)
        {
            j++;
        }
        // The nearest multiple of 10^j to x·10^P = a / 2^s (inside the interval: it is symmetric).
        var x = (ulong)(a >> s);
        var xFrac = a & ((UInt128.One << s) - 1);
        var step = Pow10[j];
        var q = x / step;
        var r = x % step;
        var twice = (((UInt128)r << s) + xFrac) << 1;
        var half = (UInt128)step << s;
        if (twice == half)
        {
            return false;
        }
        if (twice > half)
        {
            q++;
        }
        var candidate = q * step;
        if (candidate <= low || candidate > high)
        {
            return false;
        }
        while (q % 10 == 0)
        {
            q /= 10;
            j++;
        }
        // q's digits, then the decimal point's place: x = 0.d1d2… × 10^scale.
        Span<byte> digits = stackalloc byte[20];
        var count = 0;
        for (var v = q; v != 0; v /= 10)
        {
            digits[digits.Length - ++count] = (byte)('0' + (int)(v % 10));
        }
        var scale = count + j - p;
        // The framework's general format switches to exponent form outside these scales.
        if (scale is < -3 or > 15)
        {
            return false;
        }
        var d = digits[^count..];
        var n = 0;
        if ((long)bits < 0)
        {
            destination[n++] = (byte)'-';
        }
        if (scale <= 0)
        {
            destination[n++] = (byte)'0';
            destination[n++] = (byte)'.';
            for (var z = 0; z < -scale; z++)
            {
                destination[n++] = (byte)'0';
            }
            d.CopyTo(destination[n..]);
            n += count;
        }
        else if (count <= scale)
        {
            d.CopyTo(destination[n..]);
            n += count;
            for (var z = count; z < scale; z++)
            {
                destination[n++] = (byte)'0';
            }
        }
        else
        {
            d[..scale].CopyTo(destination[n..]);
            n += scale;
            destination[n++] = (byte)'.';
            d[scale..].CopyTo(destination[n..]);
            n += count - scale;
        }
        written = n;
        return true;
    }
}
