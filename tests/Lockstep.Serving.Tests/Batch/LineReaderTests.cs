using System.Text;
using Lockstep.Serving.Batch;
using Shouldly;
using Xunit;

namespace Lockstep.Serving.Tests.Batch;

public sealed class LineReaderTests
{
    private static List<string> ReadLines(byte[] file)
    {
        using var reader = new StreamReader(new MemoryStream(file), Encoding.UTF8, true);
        var lines = new List<string>();
        var lineReader = new LineReader(reader);
        while (lineReader.TryRead(out var line))
        {
            lines.Add(line.ToString());
        }
        return lines;
    }

    private static List<string> StreamReaderLines(byte[] file)
    {
        using var reader = new StreamReader(new MemoryStream(file), Encoding.UTF8, true);
        var lines = new List<string>();
        while (reader.ReadLine() is { } line)
        {
            lines.Add(line);
        }
        return lines;
    }

    [Theory]
    [InlineData("")]
    [InlineData("a")]
    [InlineData("a\n")]
    [InlineData("a\r\nb\r\n")]
    [InlineData("a\rb\r")]
    [InlineData("\n\n\r\n\r\r")]
    [InlineData("a\n\nb")]
    [InlineData("\uFEFFage,workclass\n25, Private\n")]
    [InlineData("Ünïcødé ✓,\u00a0x\r\ny")]
    public void Lines_are_split_as_StreamReader_ReadLine_splits_them(string text)
    {
        var file = Encoding.UTF8.GetBytes(text);
        ReadLines(file).ShouldBe(StreamReaderLines(file));
    }

    [Fact]
    public void Line_breaks_at_every_buffer_boundary_and_lines_longer_than_the_buffer_read_as_StreamReader_reads_them()
    {
        var random = new Random(6);
        string[] breaks = ["\n", "\r\n", "\r", "\r\n\r\n", "\n\r"];
        for (var round = 0; round < 40; round++)
        {
            var text = new StringBuilder();
            while (text.Length < 200_000)
            {
                // Mostly CSV-sized lines; now and then one far longer than the reader's 32k-character buffer.
                var length = random.Next(10) == 0 ? random.Next(30_000, 90_000) : random.Next(0, 300);
                for (var i = 0; i < length; i++)
                {
                    text.Append(random.Next(50) == 0 ? 'é' : (char)('a' + random.Next(26)));
                }
                text.Append(breaks[random.Next(breaks.Length)]);
            }
            if (round % 2 == 0)
            {
                text.Append("last line without a break");
            }
            var file = Encoding.UTF8.GetBytes(text.ToString());
            ReadLines(file).ShouldBe(StreamReaderLines(file));
        }
    }

    [Fact]
    public void A_carriage_return_that_ends_a_buffer_joins_the_line_feed_that_starts_the_next()
    {
        // 32,767 characters then "\r\n": the "\r" is the buffer's last character.
        var text = new string('x', (1 << 15) - 1) + "\r\nnext\r\n";
        var lines = ReadLines(Encoding.UTF8.GetBytes(text));
        lines.Count.ShouldBe(2);
        lines[0].Length.ShouldBe((1 << 15) - 1);
        lines[1].ShouldBe("next");
    }
}
