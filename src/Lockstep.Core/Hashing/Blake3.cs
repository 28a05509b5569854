using System.Buffers;
using System.IO.MemoryMappedFiles;
using System.Numerics;

namespace Lockstep.Hashing;

/// <summary>
/// BLAKE3 hashes (default mode, 32 bytes), computed in managed code with the CPU's AVX-512 or AVX2
/// units where present. Hand-written because no BLAKE3 package restores from this project's feed.
/// </summary>
public static class Blake3
{
    /// <summary>Files at least this large are hashed in leaves on several threads (mapped or read); smaller ones through one buffer.</summary>
    internal const int MapThreshold = 1 << 20;

    // Large enough for whole 16-chunk SIMD groups, small enough to stay in the L2 cache.
    private const int StreamBufferSize = 1 << 20;

    // Leaves are whole pages (madvise works on pages) and small enough that the rest after the last
    // whole leaf fits one span.
    private const int MinLeaf = 4096;
    private const int MaxLeaf = 64 << 20;

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

    /// <summary>Hashes a file using at most <paramref name="maxDegreeOfParallelism"/> threads, memory-mapping it.</summary>
    public static Task<byte[]> HashFileAsync(string path, int maxDegreeOfParallelism, CancellationToken cancellationToken) =>
        HashFileAsync(path, maxDegreeOfParallelism, memoryMap: true, cancellationToken);

    /// <summary>
    /// Hashes a file using at most <paramref name="maxDegreeOfParallelism"/> threads. With
    /// <paramref name="memoryMap"/> the bytes are hashed where the page cache holds them (no copy);
    /// without it each thread reads its share into its own buffer, which costs a copy but cannot
    /// fault if another process truncates the file meanwhile (a truncated mapping kills the process
    /// with SIGBUS).
    /// </summary>
    public static Task<byte[]> HashFileAsync(string path, int maxDegreeOfParallelism, bool memoryMap, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxDegreeOfParallelism, 1);
        return HashFileAsync(path, maxDegreeOfParallelism, memoryMap, memoryMap ? Blake3File.MapLeaf : Blake3File.ReadLeaf, cancellationToken);
    }

    /// <summary>As above, with leaves of <paramref name="leaf"/> bytes (a power of two; tests use small ones).</summary>
    internal static Task<byte[]> HashFileAsync(string path, int maxDegreeOfParallelism, bool memoryMap, int leaf, CancellationToken cancellationToken)
    {
        if (!BitOperations.IsPow2(leaf) || leaf < MinLeaf || leaf > MaxLeaf)
        {
            throw new ArgumentOutOfRangeException(nameof(leaf), leaf, $"a power of two from {MinLeaf} to {MaxLeaf} bytes");
        }
        // Hashing is CPU work over mapped memory or synchronous reads; there is nothing to await,
        // and a large file is spread over the pool's threads inside HashFile. So it runs on the
        // caller's thread and the task is complete when returned (not Task.Run): an awaiting
        // async method then does not suspend, and a suspended one boxes its state machine, generic
        // code over our struct that no precompiled image holds. Task.Run here made every method
        // on the way up (the runner's, the store's) JIT-compile its box in each cached run.
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<byte[]>(cancellationToken);
        }
        try
        {
            return Task.FromResult(HashFile(path, maxDegreeOfParallelism, memoryMap, leaf, cancellationToken));
        }
        catch (OperationCanceledException e) when (e.CancellationToken == cancellationToken)
        {
            return Task.FromCanceled<byte[]>(cancellationToken);
        }
        catch (Exception e)
        {
            // As Task.Run reported it: the failure is the task's, seen where it is awaited.
            return Task.FromException<byte[]>(e);
        }
    }

    private static unsafe byte[] HashFile(string path, int maxDegreeOfParallelism, bool memoryMap, int leaf, CancellationToken cancellationToken)
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
        if (!memoryMap)
        {
            Blake3File.AppendRead(hasher, handle, length, leaf, maxDegreeOfParallelism, cancellationToken);
            return hasher.GetHash();
        }
        using var map = MemoryMappedFile.CreateFromFile(handle, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: true);
        using var view = map.CreateViewAccessor(0, length, MemoryMappedFileAccess.Read);
        byte* pointer = null;
        view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
        try
        {
            Blake3File.AppendMapped(hasher, pointer + view.PointerOffset, length, leaf, maxDegreeOfParallelism, cancellationToken);
        }
        finally
        {
            view.SafeMemoryMappedViewHandle.ReleasePointer();
        }
        return hasher.GetHash();
    }
}
