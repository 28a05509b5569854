using static Lockstep.Hashing.Blake3Compression;

namespace Lockstep.Hashing;

/// <summary>
/// Hashes whole subtrees of BLAKE3's binary tree. A subtree of 2^k chunks aligned to its size has
/// the same chaining value however it is computed, so this code hashes chunks 16 at a time, reduces
/// their chaining values level by level (parents 16 at a time too), and hands the two halves of a
/// large subtree to two threads. The result is bit-identical to hashing one block after another.
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

    internal static readonly Blake3SimdLevel Best =
        Blake3Avx512.IsSupported ? Blake3SimdLevel.Avx512
        : Blake3Avx2.IsSupported ? Blake3SimdLevel.Avx2
        : Blake3SimdLevel.None;

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
    /// of two, whose first chunk has index <paramref name="counter"/>.
    /// </summary>
    internal static void SubtreeCv(byte* input, long chunks, ulong counter, uint* cv, int parallelDepth,
        Blake3SimdLevel simd, CancellationToken cancellationToken)
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
        SubtreePair(input, chunks, counter, pair, pair + 8, parallelDepth, simd, cancellationToken);
        HashParents(pair, 1, cv, Blake3SimdLevel.None);
    }

    /// <summary>The chaining values of the two halves of a subtree of <paramref name="chunks"/> chunks.</summary>
    internal static void SubtreePair(byte* input, long chunks, ulong counter, uint* left, uint* right, int parallelDepth,
        Blake3SimdLevel simd, CancellationToken cancellationToken)
    {
        var half = chunks / 2;
        var rightInput = input + (half * ChunkLength);
        var rightCounter = counter + (ulong)half;
        if (parallelDepth <= 0 || chunks < MinParallelChunks)
        {
            SubtreeCv(input, half, counter, left, parallelDepth, simd, cancellationToken);
            SubtreeCv(rightInput, half, rightCounter, right, parallelDepth, simd, cancellationToken);
            return;
        }
        // The lambdas get addresses as integers: the buffers outlive them because Invoke waits for both.
        var (inL, inR, outL, outR) = ((nint)input, (nint)rightInput, (nint)left, (nint)right);
        try
        {
            Parallel.Invoke(
                new ParallelOptions { CancellationToken = cancellationToken },
                () => SubtreeCv((byte*)inL, half, counter, (uint*)outL, parallelDepth - 1, simd, cancellationToken),
                () => SubtreeCv((byte*)inR, half, rightCounter, (uint*)outR, parallelDepth - 1, simd, cancellationToken));
        }
        catch (AggregateException e) when (e.InnerExceptions.All(inner => inner is OperationCanceledException))
        {
            // Callers expect cancellation as such, not wrapped the way Parallel wraps a worker's exception.
            throw new OperationCanceledException(cancellationToken);
        }
    }

    /// <summary>How many times to split work in two so that <paramref name="degree"/> threads have work.</summary>
    internal static int DepthFor(int degree) => degree <= 1 ? 0 : 32 - System.Numerics.BitOperations.LeadingZeroCount((uint)(degree - 1));

}
