using static Lockstep.Hashing.Blake3Compression;

namespace Lockstep.Hashing;

/// <summary>
/// Hashes whole subtrees of BLAKE3's binary tree. A subtree of 2^k chunks aligned to its size has
/// the same chaining value however it is computed, so this code hashes chunks 16 at a time, reduces
/// their chaining values level by level (parents 16 at a time too), and spreads the leaf subtrees
/// of a large subtree over threads. The result is bit-identical to hashing one block after another.
/// </summary>
internal static unsafe class Blake3Tree
{
    /// <summary>
    /// Chunks hashed bottom-up in one stack buffer of chaining values (512 KiB of input, 16 KiB of
    /// stack). The last levels of each batch (4, 2, 1 parents) run on the portable code, so a larger
    /// batch makes that share smaller; 512 keeps the buffer within the L1 cache.
    /// </summary>
    internal const int BatchChunks = 512;

    /// <summary>Below this a subtree is not split across threads: the hand-off would cost more than it saves.</summary>
    internal const long MinParallelChunks = 1024;

    /// <summary>How many leaf subtrees (of at least 1 MiB) each thread gets on average.</summary>
    private const int LeavesPerThread = 16;

    internal static readonly Blake3SimdLevel Best =
        Blake3Avx512.IsSupported ? Blake3SimdLevel.Avx512
        : Blake3Avx2.IsSupported ? Blake3SimdLevel.Avx2
        : Blake3SimdLevel.None;

    /// <summary>Span form of <see cref="HashChunks(byte*, int, ulong, uint*, Blake3SimdLevel)"/> (whole chunks only).</summary>
    internal static void HashChunks(ReadOnlySpan<byte> input, ulong counter, Span<uint> cvs, Blake3SimdLevel simd)
    {
        var count = input.Length / ChunkLength;
        if (input.Length != count * ChunkLength || cvs.Length < count * 8)
        {
            throw new ArgumentException("whole chunks in, 8 words per chunk out");
        }
        fixed (byte* data = input)
        fixed (uint* output = cvs)
        {
            HashChunks(data, count, counter, output, simd);
        }
    }

    /// <summary>Span form of <see cref="HashParents(uint*, int, uint*, Blake3SimdLevel)"/> (separate buffers).</summary>
    internal static void HashParents(ReadOnlySpan<uint> children, Span<uint> parents, Blake3SimdLevel simd)
    {
        var count = children.Length / 16;
        if (children.Length != count * 16 || parents.Length < count * 8)
        {
            throw new ArgumentException("16 words per parent in, 8 words per parent out");
        }
        fixed (uint* input = children)
        fixed (uint* output = parents)
        {
            HashParents(input, count, output, simd);
        }
    }

    /// <summary>Writes the chaining values of <paramref name="count"/> whole chunks, 8 words each.</summary>
    internal static void HashChunks(byte* input, int count, ulong counter, uint* cvs, Blake3SimdLevel simd)
    {
        var i = 0;
        if (simd >= Blake3SimdLevel.Avx512)
        {
            for (; i + Blake3Avx512.Lanes <= count; i += Blake3Avx512.Lanes)
            {
                Blake3Avx512.HashMany(input + ((long)i * ChunkLength), ChunkLength, BlocksPerChunk, counter + (ulong)i, true,
                    0, ChunkStart, ChunkEnd, cvs + (i * 8));
            }
        }
        if (simd >= Blake3SimdLevel.Avx2)
        {
            for (; i + Blake3Avx2.Lanes <= count; i += Blake3Avx2.Lanes)
            {
                Blake3Avx2.HashMany(input + ((long)i * ChunkLength), ChunkLength, BlocksPerChunk, counter + (ulong)i, true,
                    0, ChunkStart, ChunkEnd, cvs + (i * 8));
            }
        }
        for (; i < count; i++)
        {
            var cv = new Span<uint>(cvs + (i * 8), 8);
            SetIv(cv);
            var chunk = new ReadOnlySpan<byte>(input + ((long)i * ChunkLength), ChunkLength);
            for (var b = 0; b < BlocksPerChunk; b++)
            {
                var flags = (b == 0 ? ChunkStart : 0) | (b == BlocksPerChunk - 1 ? ChunkEnd : 0);
                Compress(cv, chunk.Slice(b * BlockLength, BlockLength), counter + (ulong)i, BlockLength, flags);
            }
        }
    }

    /// <summary>
    /// Writes the chaining values of <paramref name="count"/> parents whose children's chaining values
    /// lie pairwise in <paramref name="children"/>. <paramref name="parents"/> may equal
    /// <paramref name="children"/>: each group writes only below what it has already read.
    /// </summary>
    internal static void HashParents(uint* children, int count, uint* parents, Blake3SimdLevel simd)
    {
        var i = 0;
        if (simd >= Blake3SimdLevel.Avx512)
        {
            for (; i + Blake3Avx512.Lanes <= count; i += Blake3Avx512.Lanes)
            {
                Blake3Avx512.HashMany((byte*)(children + (i * 16)), BlockLength, 1, 0, false, Parent, 0, 0, parents + (i * 8));
            }
        }
        if (simd >= Blake3SimdLevel.Avx2)
        {
            for (; i + Blake3Avx2.Lanes <= count; i += Blake3Avx2.Lanes)
            {
                Blake3Avx2.HashMany((byte*)(children + (i * 16)), BlockLength, 1, 0, false, Parent, 0, 0, parents + (i * 8));
            }
        }
        Span<uint> cv = stackalloc uint[8];
        for (; i < count; i++)
        {
            SetIv(cv);
            Compress(cv, new ReadOnlySpan<byte>(children + (i * 16), BlockLength), 0, BlockLength, Parent);
            cv.CopyTo(new Span<uint>(parents + (i * 8), 8));
        }
    }

    /// <summary>
    /// The chaining value (not root) of the subtree of <paramref name="chunks"/> whole chunks, a power
    /// of two, whose first chunk has index <paramref name="counter"/>. Single-threaded.
    /// </summary>
    internal static void SubtreeCv(byte* input, long chunks, ulong counter, uint* cv, Blake3SimdLevel simd,
        CancellationToken cancellationToken)
    {
        if (chunks <= BatchChunks)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var n = (int)chunks;
            var cvs = stackalloc uint[n * 8];
            HashChunks(input, n, counter, cvs, simd);
            for (; n > 1; n /= 2)
            {
                HashParents(cvs, n / 2, cvs, simd);
            }
            new ReadOnlySpan<uint>(cvs, 8).CopyTo(new Span<uint>(cv, 8));
            return;
        }
        var pair = stackalloc uint[16];
        SubtreePair(input, chunks, counter, pair, pair + 8, 1, simd, cancellationToken);
        HashParents(pair, 1, cv, Blake3SimdLevel.None);
    }

    /// <summary>
    /// The chaining values of the two halves of a subtree of <paramref name="chunks"/> chunks (a power
    /// of two, at least 2), using up to <paramref name="degree"/> threads.
    /// </summary>
    internal static void SubtreePair(byte* input, long chunks, ulong counter, uint* left, uint* right, int degree,
        Blake3SimdLevel simd, CancellationToken cancellationToken)
    {
        var half = chunks / 2;
        if (degree > 1 && chunks >= 2 * MinParallelChunks)
        {
            ParallelPair(input, chunks, counter, left, right, degree, simd, cancellationToken);
            return;
        }
        SubtreeCv(input, half, counter, left, simd, cancellationToken);
        SubtreeCv(input + (half * ChunkLength), half, counter + (ulong)half, right, simd, cancellationToken);
    }

    /// <summary>
    /// Splits the subtree into equal leaf subtrees, several per thread so that a thread slowed by
    /// other load on its core leaves its share to the others, hashes them in parallel and merges
    /// their chaining values up to the two halves.
    /// </summary>
    private static void ParallelPair(byte* input, long chunks, ulong counter, uint* left, uint* right, int degree,
        Blake3SimdLevel simd, CancellationToken cancellationToken)
    {
        var leaves = (int)Math.Min(chunks / MinParallelChunks, (long)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)degree) * LeavesPerThread);
        var leafChunks = chunks / leaves;
        var cvs = new uint[leaves * 8];
        // The lambda gets the input's address as an integer: the mapping outlives the loop, which waits for every leaf.
        var inputAddress = (nint)input;
        try
        {
            Parallel.For(0, leaves, new ParallelOptions { MaxDegreeOfParallelism = degree, CancellationToken = cancellationToken }, i =>
            {
                fixed (uint* cv = &cvs[i * 8])
                {
                    SubtreeCv((byte*)inputAddress + (i * leafChunks * ChunkLength), leafChunks, counter + (ulong)(i * leafChunks), cv, simd, cancellationToken);
                }
            });
        }
        catch (AggregateException e) when (e.InnerExceptions.All(inner => inner is OperationCanceledException))
        {
            // Callers expect cancellation as such, not wrapped the way Parallel wraps a worker's exception.
            throw new OperationCanceledException(cancellationToken);
        }
        fixed (uint* merged = cvs)
        {
            for (var n = leaves; n > 2; n /= 2)
            {
                HashParents(merged, n / 2, merged, simd);
            }
            new ReadOnlySpan<uint>(merged, 8).CopyTo(new Span<uint>(left, 8));
            new ReadOnlySpan<uint>(merged + 8, 8).CopyTo(new Span<uint>(right, 8));
        }
    }
}
