using System.Globalization;
using Lockstep.Serving.Batch;
using Shouldly;
using Xunit;

namespace Lockstep.Serving.Tests.Batch;

public sealed class CellNumberTests
{
    public static TheoryData<string> Cells => new()
    {
        "0", "-0", "007", "-007", "40", "226802", "-5", "999999999999999", "-999999999999999", "9999999999999999",
        "12345678901234567890", "1.5", "-1.5e3", "1e400", "+5", "-", "", " 5", "5 ", "\t5", "abc", "5a", "0x10", "NaN", "-Infinity", "٣",
        "nan", "NAN", "infinity", "INFINITY", "Infinity", "+Infinity", "∞", "-∞", "Private", "Never-married", "e5", "E5", "Inf", "n", "i", "Z",
    };

    [Theory]
    [MemberData(nameof(Cells))]
    public void A_cell_reads_as_the_same_number_double_TryParse_gives_bit_for_bit(string cell)
    {
        var expected = double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out var e);

        CellNumber.TryParse(cell, out var actual).ShouldBe(expected);
        if (expected)
        {
            BitConverter.DoubleToInt64Bits(actual).ShouldBe(BitConverter.DoubleToInt64Bits(e));
        }
    }

    [Fact]
    public void No_cell_starting_with_an_ascii_letter_reads_differently_from_double_TryParse()
    {
        // The shortcut rejects cells by their first letter: check every letter with the tails that
        // could make a number (the infinity and NaN words, exponents, digits).
        string[] tails = ["", "nfinity", "NFINITY", "aN", "AN", "an", "5", "e5", "1.5", "x", " "];
        for (var c = 'A'; c <= 'z'; c++)
        {
            foreach (var tail in tails)
            {
                var cell = c + tail;
                var expected = double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out var e);
                CellNumber.TryParse(cell, out var actual).ShouldBe(expected, cell);
                if (expected)
                {
                    BitConverter.DoubleToInt64Bits(actual).ShouldBe(BitConverter.DoubleToInt64Bits(e), cell);
                }
            }
        }
    }

    [Fact]
    public void Every_integer_from_minus_a_million_to_a_million_reads_exactly()
    {
        for (var i = -1_000_000; i <= 1_000_000; i += 7)
        {
            var text = i.ToString(CultureInfo.InvariantCulture);
            CellNumber.TryParse(text, out var v).ShouldBeTrue();
            v.ShouldBe(double.Parse(text, CultureInfo.InvariantCulture));
        }
    }
}
