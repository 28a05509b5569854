using System.Buffers;
using System.IO.MemoryMappedFiles;

namespace Lockstep.Hashing;

/// <summary>
/// BLAKE3 hashes (default mode, 32 bytes), computed in managed code with the CPU's AVX-512 or AVX2
/// units where present. Hand-written because no BLAKE3 package restores from this project's feed.
/// </summary>
public static class Blake3
{
    /// <summary>Files at least this large are memory-mapped; smaller ones are read into a buffer.</summary>
    internal const int MapThreshold = 1 << 20;

    // Large enough for whole 16-chunk SIMD groups, small enough to stay in the L2 cache.
    private const int StreamBufferSize = 1 << 20;

    // A span addresses at most 2 GiB; a larger mapping is appended in windows of this (aligned) size.
    private const long Window = 1L << 30;

    public static byte[] Hash(ReadOnlySpan<byte> data)
    {
        var hash = new byte[Blake3Compression.OutputLength];
        Hash(data, hash);
        return hash;
    }

    /// <summary>Writes the 32-byte hash of <paramref name="data"/> to <paramref name="destination"/>.</summary>
    public static void Hash(ReadOnlySpan<byte> data, Span<byte> destination)
    {
        var hasher = new Blake3Hasher();
        hasher.Append(data);
        hasher.Finalize(destination);
    }

    /// <summary>Hashes everything <paramref name="stream"/> yields from its current position.</summary>
    public static async Task<byte[]> HashStreamAsync(Stream stream, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var hasher = new Blake3Hasher();
        var buffer = ArrayPool<byte>.Shared.Rent(StreamBufferSize);
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer.AsMemory(0, StreamBufferSize), cancellationToken).ConfigureAwait(false)) > 0)
            {
                hasher.Append(buffer.AsSpan(0, read), cancellationToken);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        return hasher.GetHash();
    }

    /// <summary>Hashes a file on all cores; the same result as <see cref="Hash(ReadOnlySpan{byte})"/> of its bytes.</summary>
    public static Task<byte[]> HashFileAsync(string path, CancellationToken cancellationToken) =>
        HashFileAsync(path, Environment.ProcessorCount, cancellationToken);

    /// <summary>Hashes a file using at most <paramref name="maxDegreeOfParallelism"/> threads.</summary>
    public static Task<byte[]> HashFileAsync(string path, int maxDegreeOfParallelism, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxDegreeOfParallelism, 1);
        return HashFileAsync(path, maxDegreeOfParallelism, Window, cancellationToken);
    }

    /// <summary>As above, appending the mapping in windows of <paramref name="window"/> bytes (tests use small ones).</summary>
    internal static Task<byte[]> HashFileAsync(string path, int maxDegreeOfParallelism, long window, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(window, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(window, Window);
        // Hashing is CPU work over mapped memory; there is no asynchronous I/O to await.
        return Task.Run(() => HashFile(path, maxDegreeOfParallelism, window, cancellationToken), cancellationToken);
    }

    private static byte[] HashFile(string path, int maxDegreeOfParallelism, long window, CancellationToken cancellationToken)
    {
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.SequentialScan);
        var length = RandomAccess.GetLength(handle);
        var hasher = new Blake3Hasher { MaxDegreeOfParallelism = maxDegreeOfParallelism };
        if (length < MapThreshold)
        {
            // Read to the end rather than to the reported length: pipes and /proc files report 0.
            using var stream = new FileStream(handle, FileAccess.Read, bufferSize: 0);
            var buffer = ArrayPool<byte>.Shared.Rent(StreamBufferSize);
            try
            {
                int read;
                while ((read = stream.Read(buffer, 0, StreamBufferSize)) > 0)
                {
                    hasher.Append(buffer.AsSpan(0, read), cancellationToken);
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
            return hasher.GetHash();
        }
        // Mapping avoids copying the bytes out of the page cache, which costs as much as `cat`.
        // Objects in the store are immutable; a file truncated by another process while mapped
        // would fault, as it would for any mmap-based hasher (b3sum included).
        using var map = MemoryMappedFile.CreateFromFile(handle, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: true);
        using var view = map.CreateViewAccessor(0, length, MemoryMappedFileAccess.Read);
        AppendMapped(hasher, view, length, window, cancellationToken);
        return hasher.GetHash();
    }

    private static unsafe void AppendMapped(Blake3Hasher hasher, MemoryMappedViewAccessor view, long length, long window, CancellationToken cancellationToken)
    {
        byte* pointer = null;
        view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
        try
        {
            var start = pointer + view.PointerOffset;
            for (long offset = 0; offset < length; offset += window)
            {
                var count = (int)Math.Min(window, length - offset);
                hasher.Append(new ReadOnlySpan<byte>(start + offset, count), cancellationToken);
            }
        }
        finally
        {
            view.SafeMemoryMappedViewHandle.ReleasePointer();
        }
    }
}
