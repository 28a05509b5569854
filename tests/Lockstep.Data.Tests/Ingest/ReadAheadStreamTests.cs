using System.IO.Compression;
using Lockstep.Data.Ingest;

namespace Lockstep.Data.Tests.Ingest;

/// <summary>Gzip sources are decompressed ahead on a task of their own; the reader sees the same bytes and the same errors.</summary>
public sealed class ReadAheadStreamTests
{
    [Fact]
    public async Task Gives_the_inner_streams_bytes_in_order_whatever_the_read_sizes()
    {
        var bytes = new byte[1_300_001];
        new Random(7).NextBytes(bytes);
        await using var stream = new ReadAheadStream(new MemoryStream(bytes));
        var read = new MemoryStream();
        var random = new Random(11);
        var buffer = new byte[70_000];
        while (true)
        {
            var want = random.Next(1, buffer.Length);
            var n = random.Next(2) == 0 ? stream.Read(buffer, 0, want) : await stream.ReadAsync(buffer.AsMemory(0, want));
            if (n == 0)
            {
                break;
            }
            read.Write(buffer, 0, n);
        }
        read.ToArray().ShouldBe(bytes);
    }

    [Fact]
    public async Task A_corrupt_gzip_file_fails_with_the_decompressors_own_error_after_the_bytes_before_it()
    {
        var text = string.Join('\n', Enumerable.Range(0, 200_000).Select(i => $"{i},row {i}"));
        var packed = new MemoryStream();
        await using (var gz = new GZipStream(packed, CompressionLevel.Fastest, leaveOpen: true))
        {
            await gz.WriteAsync(System.Text.Encoding.UTF8.GetBytes(text));
        }
        // Damage the deflate data until the decompressor itself refuses it (a truncation alone
        // ends the stream quietly; the data is fixed, so the loop is deterministic).
        byte[] damaged = [];
        Exception? direct = null;
        for (var at = 64; direct is null && at < packed.Length - 64; at += 997)
        {
            damaged = packed.ToArray();
            damaged.AsSpan(at, 32).Fill(0xFF);
            try
            {
                await new GZipStream(new MemoryStream(damaged), CompressionMode.Decompress).CopyToAsync(Stream.Null);
            }
            catch (InvalidDataException e)
            {
                direct = e;
            }
        }
        direct.ShouldNotBeNull();
        var delivered = new MemoryStream();
        await using var ahead = new ReadAheadStream(new GZipStream(new MemoryStream(damaged), CompressionMode.Decompress));
        var error = await Should.ThrowAsync<Exception>(() => ahead.CopyToAsync(delivered));

        error.GetType().ShouldBe(direct.GetType());
        error.Message.ShouldBe(direct.Message);
        delivered.Length.ShouldBeGreaterThan(0);
        System.Text.Encoding.UTF8.GetString(delivered.ToArray()).ShouldStartWith("0,row 0\n1,row 1\n");
    }

    [Fact]
    public void Disposing_before_the_end_stops_the_reader_and_closes_the_inner_stream()
    {
        var inner = new MemoryStream(new byte[5_000_000]);
        var stream = new ReadAheadStream(inner);
        stream.ReadByte().ShouldBe(0);
        stream.Dispose();
        inner.CanRead.ShouldBeFalse();
    }
}
