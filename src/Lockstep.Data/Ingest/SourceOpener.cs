using System.IO.Compression;

namespace Lockstep.Data.Ingest;

/// <summary>Opens a source file: gzip is recognised by its magic bytes (not the file name).</summary>
internal static class SourceOpener
{
    public static Func<CancellationToken, ValueTask<IRecordSource>> Delimited(string path, string description, DelimitedOptions options) => async ct =>
    {
        var stream = OpenMaybeGzip(path);
        var reader = new DelimitedReader(stream, description, options);
        try
        {
            await reader.ReadHeaderAsync(ct).ConfigureAwait(false);
        }
        catch
        {
            await reader.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        return reader;
    };

    public static bool IsGzip(string path) => StartsWith(path, [0x1F, 0x8B]);

    public static bool IsParquet(string path) => StartsWith(path, "PAR1"u8.ToArray());

    public static bool IsSqlite(string path) => StartsWith(path, "SQLite format 3\0"u8.ToArray());

    private static Stream OpenMaybeGzip(string path)
    {
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        // Decompression runs ahead on its own task, so it overlaps with parsing (bench/ingest.md).
        return IsGzip(path) ? new ReadAheadStream(new GZipStream(file, CompressionMode.Decompress)) : new IO.SynchronousStream(file);
    }

    private static bool StartsWith(string path, byte[] magic)
    {
        using var f = File.OpenRead(path);
        Span<byte> head = stackalloc byte[16];
        var n = f.ReadAtLeast(head[..magic.Length], magic.Length, throwOnEndOfStream: false);
        return n == magic.Length && head[..n].SequenceEqual(magic);
    }
}
