using System.Globalization;
using System.Text;
using Lockstep.Serving.Batch;
using Shouldly;
using Xunit;

namespace Lockstep.Serving.Tests.Batch;

public sealed class RoundTripTextTests
{
    private static string Expected(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static string Actual(double value)
    {
        var buffer = new byte[64];
        var n = RoundTripText.Write(value, buffer);
        return Encoding.UTF8.GetString(buffer, 0, n);
    }

    private static void Check(double value)
    {
        var actual = Actual(value);
        if (actual != Expected(value))
        {
            // Shouldly's message names the value's bits, so a failure can be replayed.
            actual.ShouldBe(Expected(value), $"bits 0x{BitConverter.DoubleToUInt64Bits(value):X16}");
        }
    }

    public static TheoryData<double> Edges => new()
    {
        0.0, -0.0, 1.0, -1.0, 0.5, 2.0, 0.1, 0.2, 0.3, 1.0 / 3, 2.0 / 3, 1e-4, 1e-5, 3e-5, 9.99e-5, 1.0001e-4, 0.00012345678901234567,
        1e14, 1e15, 1e15 - 1, 1e15 + 2, 999999999999999.9, 123456789012345.67, 1.13e15,
        double.MaxValue, double.MinValue, double.Epsilon, double.NaN, double.PositiveInfinity, double.NegativeInfinity,
        (double)0.1f, (double)-11.121173f, (double)0.0038317810f, (double)14.245298f, (double)0.99919403f, 1 - 1e-16, 1 + 2.220446049250313e-16,
        9.5, 0.95, 0.095, 95, 4.35, 0.000123, 100, 1234567, 1e10, 12345678901234,
    };

    [Theory]
    [MemberData(nameof(Edges))]
    public void A_double_is_written_as_the_framework_writes_it_in_round_trip_form(double value) => Check(value);

    [Fact]
    public void Every_float_a_model_gives_is_written_as_the_framework_writes_it_as_a_double()
    {
        // Scores and probabilities are floats widened to double: random float bit patterns over
        // every exponent, and a dense sweep over the range the fast path covers.
        var random = new Random(20261124);
        for (var i = 0; i < 1_000_000; i++)
        {
            Check(BitConverter.Int32BitsToSingle(random.Next(int.MinValue, int.MaxValue)));
        }
        for (var f = 1e-6f; f < 1.2e15f; f = MathF.BitIncrement(f * 1.00037f))
        {
            Check(f);
            Check(-f);
            Check(MathF.BitIncrement(f));
        }
    }

    [Fact]
    public void Random_doubles_are_written_as_the_framework_writes_them()
    {
        var random = new Random(5);
        for (var i = 0; i < 1_000_000; i++)
        {
            Check(BitConverter.Int64BitsToDouble(random.NextInt64(long.MinValue, long.MaxValue)));
            // And doubles in the fast path's range, with every mantissa bit random.
            Check(Math.Pow(10, (random.NextDouble() * 21) - 5) * (random.Next(2) == 0 ? 1 : -1));
        }
    }

    [Fact]
    public void Doubles_read_from_short_decimals_are_written_as_the_framework_writes_them()
    {
        // The shortest text is the hard case when it is short: a decimal of 1 to 17 significant
        // digits read as a double, its neighbours one step either side (whose shortest texts are
        // long), over the fast path's whole range.
        var random = new Random(17);
        for (var i = 0; i < 300_000; i++)
        {
            var digits = random.Next(1, 18);
            var mantissa = random.NextInt64(1, (long)Math.Pow(10, Math.Min(digits, 18)));
            var value = double.Parse(FormattableString.Invariant($"{mantissa}e{random.Next(-22, 16)}"), CultureInfo.InvariantCulture);
            Check(value);
            Check(Math.BitIncrement(value));
            Check(Math.BitDecrement(value));
        }
    }

    [Fact]
    public void The_fast_path_covers_typical_scores_and_probabilities()
    {
        // Not a timing: the point of the type is that these do not reach the framework's formatter.
        var buffer = new byte[64];
        foreach (var value in new double[] { (double)-11.121173f, (double)0.19907892f, (double)0.0038317810f, 0.1, 123.456, 9.813636279432103E-05, 2.0164643501630053E-05, 1.9749923012568615E-05, -17.414291381835938, 0.9913864135742188 })
        {
            RoundTripText.TryFast(value, buffer, out _).ShouldBeTrue();
        }
    }
}
