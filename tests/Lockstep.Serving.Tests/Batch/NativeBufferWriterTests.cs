using Lockstep.Serving.Batch;
using Shouldly;
using Xunit;

namespace Lockstep.Serving.Tests.Batch;

public sealed class NativeBufferWriterTests
{
    [Fact]
    public void Bytes_written_across_growth_read_back_in_order_as_span_and_as_memory()
    {
        using var writer = new NativeBufferWriter(16);
        var expected = new List<byte>();
        for (var i = 0; i < 5000; i++)
        {
            var span = writer.GetSpan(i % 7 + 1);
            var n = i % 7 + 1;
            for (var k = 0; k < n; k++)
            {
                span[k] = (byte)(i + k);
                expected.Add((byte)(i + k));
            }
            writer.Advance(n);
        }

        writer.WrittenCount.ShouldBe(expected.Count);
        writer.WrittenSpan.ToArray().ShouldBe(expected);
        writer.WrittenMemory.ToArray().ShouldBe(expected);
        writer.WrittenMemory.Span[^1].ShouldBe(expected[^1]);
    }

    [Fact]
    public void A_reset_writer_starts_over_and_a_memory_view_writes_through()
    {
        using var writer = new NativeBufferWriter(8);
        writer.GetSpan(3);
        writer.Advance(3);
        writer.ResetWrittenCount();

        var memory = writer.GetMemory(4);
        "abcd"u8.CopyTo(memory.Span);
        writer.Advance(4);

        writer.WrittenSpan.ToArray().ShouldBe("abcd"u8.ToArray());
    }

    [Fact]
    public void Advancing_past_the_requested_room_or_using_a_disposed_writer_throws()
    {
        var writer = new NativeBufferWriter(8);
        var room = writer.GetSpan(4).Length;

        Should.Throw<ArgumentOutOfRangeException>(() => writer.Advance(room + 1));
        Should.Throw<ArgumentOutOfRangeException>(() => writer.GetSpan(-1));
        writer.Dispose();
        writer.Dispose();
        Should.Throw<ObjectDisposedException>(() => writer.GetSpan(1));
    }
}
