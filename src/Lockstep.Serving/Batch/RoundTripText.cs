using System.Globalization;

namespace Lockstep.Serving.Batch;

/// <summary>
/// A double as UTF-8 exactly as <c>value.TryFormat(utf8, out n, "R", CultureInfo.InvariantCulture)</c>
/// writes it (the shortest text that reads back as the same double), with a fast path for the
/// numbers a batch run writes twice per row: scores and probabilities from 1.9e-6 to 1.1e15
/// in absolute value. Why hand-written: the framework finds the digits with Grisu3 (Dragon4
/// when it gives up), and in Lockstep's ReadyToRun image Grisu3's power table lookup and Dragon4
/// with its big integers are not precompiled (they read their tables through spans the image cannot
/// hold): a short `lockstep predict` ran them as first-tier JIT code for the whole run and compiled
/// Dragon4 in the middle of it. This path is plain integer arithmetic in our own assembly.
/// How: x = m / 2^s exactly; scaled by 10^P (P chosen so x has 17 or 18 digits before the point)
/// the numbers that read back as x lie strictly between (2m·10^P ∓ 10^P) / 2^(s+1) (half a unit
/// in the last place either side); the shortest text is the nearest multiple of the largest
/// 10^j inside that interval. Anything the argument does not cover exactly goes to the framework:
/// powers of two (their interval is lopsided), an interval end on an integer, and numbers
/// outside the range.
/// Tests compare both on millions of floats and doubles.
/// </summary>
internal static class RoundTripText
{
    /// <summary>10^0 … 10^19.</summary>
    private static readonly ulong[] Pow10 = Powers();

    /// <summary>10^0 … 10^22 as 128-bit numbers.</summary>
    private static readonly Wide[] Pow10Wide = WidePowers();

    /// <summary>
    /// Writes <paramref name="value"/> into <paramref name="destination"/> (at least 24 bytes, the
    /// longest round-trip text of a double, e.g. "-1.2345678901234567E-308"); returns the bytes written.
    /// </summary>
    public static int Write(double value, Span<byte> destination)
    {
        if (TryFast(value, destination, out var written))
        {
            return written;
        }
        if (!value.TryFormat(destination, out written, "R", CultureInfo.InvariantCulture))
        {
            throw new ArgumentException($"{destination.Length} bytes are too few for a double's round-trip text (up to 24)", nameof(destination));
        }
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

    private static Wide[] WidePowers()
    {
        var p = new Wide[23];
        p[0] = new Wide(0, 1);
        for (var i = 1; i < p.Length; i++)
        {
            p[i] = Wide.Multiply(10, p[i - 1]);
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
        // |x| = m / 2^s, in [2^(52 − s), 2^(53 − s)): s in [3, 71] is [1.9e-6, 1.13e15), where
        // 2m·10^P (P ≤ 22) fits 128 bits.
        var s = 1075 - biased;
        if (s is < 3 or > 71)
        {
            return false;
        }
        // floor(log10 of the lower end); x has 17 or 18 digits before the point once scaled by 10^P.
        var k = ((52 - s) * 78913) >> 18;
        var p = 16 - k;
        var b = Pow10Wide[p];
        var a = Wide.Multiply(m, b);
        var lo = a.Twice() - b;
        var hi = a.Twice() + b;
        var unit = s + 1;
        if (lo.LowBitsZero(unit) || hi.LowBitsZero(unit))
        {
            return false;
        }
        var low = lo.ShiftRight(unit).Low;
        var high = hi.ShiftRight(unit).Low;
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
        var x = a.ShiftRight(s).Low;
        var step = Pow10[j];
        var q = x / step;
        var r = x % step;
        // Twice the remainder (r + the bits of a below 2^s) against 10^j, both scaled by 2^s.
        var twice = (new Wide(0, r).ShiftLeft(s) + a.LowBits(s)).Twice();
        var half = new Wide(0, step).ShiftLeft(s);
        // A tie (x ends in exactly half a unit of the last digit kept: common, a float widened to
        // double has at most 18 significant digits) goes to the even digit, as the framework's.
        if (half < twice || (twice.High == half.High && twice.Low == half.Low && (q & 1) == 1))
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
        // The framework's general format: exponent form below 1e-4 (d.dddE-0x); above 1e15 this
        // path leaves it to the framework.
        if (scale > 15)
        {
            return false;
        }
        var d = digits[^count..];
        var n = 0;
        if ((long)bits < 0)
        {
            destination[n++] = (byte)'-';
        }
        if (scale < -3)
        {
            destination[n++] = d[0];
            if (count > 1)
            {
                destination[n++] = (byte)'.';
                d[1..].CopyTo(destination[n..]);
                n += count - 1;
            }
            var exponent = 1 - scale;
            destination[n++] = (byte)'E';
            destination[n++] = (byte)'-';
            destination[n++] = (byte)('0' + (exponent / 10));
            destination[n++] = (byte)('0' + (exponent % 10));
        }
        else if (scale <= 0)
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

    /// <summary>
    /// An unsigned 128-bit number, the few operations this needs. Not <see cref="UInt128"/>: the
    /// ReadyToRun compiler leaves methods that use it to the JIT (its layout is the platform's
    /// __int128), which would compile this one in the middle of every batch run.
    /// </summary>
    private readonly struct Wide(ulong high, ulong low)
    {
        public ulong High { get; } = high;

        public ulong Low { get; } = low;

        public static Wide Multiply(ulong m, Wide w)
        {
            var high = Math.BigMul(m, w.Low, out var low);
            return new Wide(high + (m * w.High), low);
        }

        public static Wide operator +(Wide a, Wide b)
        {
            var low = a.Low + b.Low;
            return new Wide(a.High + b.High + (low < a.Low ? 1UL : 0), low);
        }

        public static Wide operator -(Wide a, Wide b) => new(a.High - b.High - (a.Low < b.Low ? 1UL : 0), a.Low - b.Low);

        public static bool operator <(Wide a, Wide b) => a.High < b.High || (a.High == b.High && a.Low < b.Low);

        public static bool operator >(Wide a, Wide b) => b < a;

        public Wide Twice() => ShiftLeft(1);

        public Wide ShiftLeft(int n) => n == 0 ? this
            : n < 64 ? new Wide((High << n) | (Low >> (64 - n)), Low << n)
            : new Wide(Low << (n - 64), 0);

        public Wide ShiftRight(int n) => n == 0 ? this
            : n < 64 ? new Wide(High >> n, (Low >> n) | (High << (64 - n)))
            : new Wide(0, High >> (n - 64));

        /// <summary>The bits below 2^n.</summary>
        public Wide LowBits(int n) => n >= 64 ? new Wide(High & ((1UL << (n - 64)) - 1), Low) : new Wide(0, Low & ((1UL << n) - 1));

        public bool LowBitsZero(int n)
        {
            var bits = LowBits(n);
            return bits.High == 0 && bits.Low == 0;
        }
    }
}
