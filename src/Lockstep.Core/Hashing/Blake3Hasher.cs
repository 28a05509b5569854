using System.Numerics;
using System.Runtime.InteropServices;
using static Lockstep.Hashing.Blake3Compression;

namespace Lockstep.Hashing;

/// <summary>
/// Incremental BLAKE3 (default hash mode, 32-byte output). Feed bytes with <see cref="Append(ReadOnlySpan{byte})"/>
/// in pieces of any size; <see cref="Finalize(Span{byte})"/> gives the same hash as hashing all of them at once.
/// Large appends are hashed as whole subtrees with the SIMD kernels and, when
/// <see cref="MaxDegreeOfParallelism"/> allows, on several threads.
/// </summary>
/// <remarks>
/// The tree logic follows the reference implementation: chaining values wait on a stack and are
/// merged lazily, only once more input shows that they are not the root's children. An instance is
/// not thread-safe; it parallelises a single append internally.
/// </remarks>
public sealed class Blake3Hasher
{
    // 2^54 chunks of 2^10 bytes = 2^64 bytes: the stack never holds more than 54 chaining values.
    private const int MaxDepth = 54;

    private readonly uint[] cvStack = new uint[MaxDepth * 8];
    private int stackLength;

    // The chunk being filled: its chaining value so far, its buffered (last, maybe partial) block.
    private readonly uint[] chunkCv = new uint[8];
    private readonly byte[] block = new byte[BlockLength];
    private int blockLength;
    private int blocksCompressed;
    private ulong chunkCounter;

    public Blake3Hasher()
    {
        // Chaining values are reinterpreted as message bytes in place, which is BLAKE3's
        // little-endian layout only on little-endian CPUs (every platform .NET 10 ships for).
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("this BLAKE3 implementation needs a little-endian CPU");
        }
        Reset();
    }

    /// <summary>Threads a single large <see cref="Append(ReadOnlySpan{byte})"/> may use (default 1).</summary>
    public int MaxDegreeOfParallelism { get; init; } = 1;

    /// <summary>The widest kernel to use; tests lower it to check every path against the vectors.</summary>
    internal Blake3SimdLevel Simd { get; init; } = Blake3Tree.Best;

    /// <summary>Forgets everything appended so far.</summary>
    public void Reset()
    {
        stackLength = 0;
        chunkCounter = 0;
        ResetChunk();
    }

    public void Append(ReadOnlySpan<byte> data) => Append(data, CancellationToken.None);

    /// <summary>
    /// Appends <paramref name="data"/>; cancellation is checked between 512 KiB subtrees. A cancelled
    /// append leaves the hasher part-way through the data: call <see cref="Reset"/> before reusing it.
    /// </summary>
    public unsafe void Append(ReadOnlySpan<byte> data, CancellationToken cancellationToken)
    {
        if (ChunkBytes > 0)
        {
            var take = Math.Min(ChunkLength - ChunkBytes, data.Length);
            ChunkUpdate(data[..take]);
            data = data[take..];
            if (data.IsEmpty)
            {
                return;
            }
            // More input follows, so this chunk is not the root: finish it and start the next.
            Span<uint> cv = stackalloc uint[8];
            ChunkChainingValue(cv);
            PushCv(cv, chunkCounter);
            chunkCounter++;
            ResetChunk();
        }

        fixed (byte* start = data)
        {
            var input = start;
            long remaining = data.Length;
            var pair = stackalloc uint[16];
            // Keep at least one byte back: the last chunk may be the root and is finished in Finalize.
            while (remaining > ChunkLength)
            {
                // The largest power-of-two subtree that fits the input and is aligned to the chunks before it.
                var subtreeLength = (long)BitOperations.RoundUpToPowerOf2((ulong)remaining + 1) / 2;
                var countSoFar = chunkCounter * ChunkLength;
                while (((ulong)(subtreeLength - 1) & countSoFar) != 0)
                {
                    subtreeLength /= 2;
                }
                var subtreeChunks = subtreeLength / ChunkLength;
                if (subtreeChunks == 1)
                {
                    Blake3Tree.HashChunks(input, 1, chunkCounter, pair, Blake3SimdLevel.None);
                    PushCv(new ReadOnlySpan<uint>(pair, 8), chunkCounter);
                }
                else
                {
                    // Push both halves unmerged: if nothing follows, their parent is the root.
                    Blake3Tree.SubtreePair(input, subtreeChunks, chunkCounter, pair, pair + 8, MaxDegreeOfParallelism, Simd, cancellationToken);
                    PushCv(new ReadOnlySpan<uint>(pair, 8), chunkCounter);
                    PushCv(new ReadOnlySpan<uint>(pair + 8, 8), chunkCounter + ((ulong)subtreeChunks / 2));
                }
                chunkCounter += (ulong)subtreeChunks;
                input += subtreeLength;
                remaining -= subtreeLength;
            }
            if (remaining > 0)
            {
                ChunkUpdate(new ReadOnlySpan<byte>(input, (int)remaining));
                MergeCvStack(chunkCounter);
            }
        }
    }

    /// <summary>
    /// Appends consecutive whole subtrees of <paramref name="subtreeChunks"/> chunks each (a power of
    /// two) by their chaining values, as <see cref="Append(ReadOnlySpan{byte})"/> would with their
    /// bytes; the hasher must stand at a multiple of that size. Runs of subtrees are first merged 16
    /// parents at a time, so only the few top merges take the portable code. <paramref name="cvs"/> is
    /// overwritten. A lone subtree of an empty hasher may be the root, which needs its two halves, so
    /// that takes <see cref="Append(ReadOnlySpan{byte})"/> instead.
    /// </summary>
    internal unsafe void AppendSubtreeCvs(Span<uint> cvs, long subtreeChunks)
    {
        var count = cvs.Length / 8;
        if (ChunkBytes != 0 || count == 0 || (stackLength == 0 && count < 2) || !BitOperations.IsPow2(subtreeChunks)
            || chunkCounter % (ulong)subtreeChunks != 0)
        {
            throw new InvalidOperationException("subtrees are appended whole, aligned, and at least two into an empty hasher");
        }
        fixed (uint* all = cvs)
        {
            var i = 0;
            while (i < count)
            {
                // The largest power-of-two run of subtrees that fits and stays aligned to the chunks before it.
                var run = (int)BitOperations.RoundUpToPowerOf2((uint)(count - i) + 1) / 2;
                while (((((ulong)run * (ulong)subtreeChunks) - 1) & chunkCounter) != 0)
                {
                    run /= 2;
                }
                var first = all + (i * 8);
                for (var n = run; n > 2; n /= 2)
                {
                    Blake3Tree.HashParents(first, n / 2, first, Simd);
                }
                if (run == 1)
                {
                    PushCv(new ReadOnlySpan<uint>(first, 8), chunkCounter);
                }
                else
                {
                    // Both halves unmerged, as Append does: if nothing follows, their parent is the root.
                    PushCv(new ReadOnlySpan<uint>(first, 8), chunkCounter);
                    PushCv(new ReadOnlySpan<uint>(first + 8, 8), chunkCounter + ((ulong)run * (ulong)subtreeChunks / 2));
                }
                chunkCounter += (ulong)run * (ulong)subtreeChunks;
                i += run;
            }
        }
    }

    /// <summary>Writes the 32-byte hash of everything appended; the hasher can keep appending afterwards.</summary>
    public void Finalize(Span<byte> destination)
    {
        if (destination.Length < OutputLength)
        {
            throw new ArgumentException("BLAKE3 writes 32 bytes", nameof(destination));
        }
        // The root node: its input chaining value, its one block, that block's length and its flags.
        Span<uint> inputCv = stackalloc uint[8];
        Span<byte> rootBlock = stackalloc byte[BlockLength];
        uint rootBlockLength;
        uint rootFlags;
        Span<uint> rightCv = stackalloc uint[8];
        var remaining = stackLength;
        if (ChunkBytes > 0 || stackLength == 0)
        {
            chunkCv.CopyTo(inputCv);
            block.CopyTo(rootBlock);
            rootBlockLength = (uint)blockLength;
            rootFlags = ChunkFlags() | ChunkEnd;
        }
        else
        {
            SetIv(inputCv);
            MemoryMarshal.AsBytes(cvStack.AsSpan((remaining - 2) * 8, 16)).CopyTo(rootBlock);
            rootBlockLength = BlockLength;
            rootFlags = Parent;
            remaining -= 2;
        }
        while (remaining > 0)
        {
            // The candidate root turns out to be a right child: its chaining value joins the parent block.
            inputCv.CopyTo(rightCv);
            Compress(rightCv, rootBlock, CandidateCounter(rootFlags), rootBlockLength, rootFlags);
            var parentBlock = MemoryMarshal.Cast<byte, uint>(rootBlock);
            cvStack.AsSpan((remaining - 1) * 8, 8).CopyTo(parentBlock);
            rightCv.CopyTo(parentBlock[8..]);
            SetIv(inputCv);
            rootBlockLength = BlockLength;
            rootFlags = Parent;
            remaining--;
        }
        // The root's output block counter is 0 (only extended output would count further).
        Compress(inputCv, rootBlock, 0, rootBlockLength, rootFlags | Root);
        MemoryMarshal.AsBytes(inputCv).CopyTo(destination);
    }

    /// <summary>The 32-byte hash of everything appended so far.</summary>
    public byte[] GetHash()
    {
        var hash = new byte[OutputLength];
        Finalize(hash);
        return hash;
    }

    private int ChunkBytes => (blocksCompressed * BlockLength) + blockLength;

    // A chunk output uses its chunk index as counter; a parent always uses 0.
    private ulong CandidateCounter(uint flags) => (flags & Parent) != 0 ? 0 : chunkCounter;

    private uint ChunkFlags() => blocksCompressed == 0 ? ChunkStart : 0;

    private void ResetChunk()
    {
        SetIv(chunkCv);
        Array.Clear(block);
        blockLength = 0;
        blocksCompressed = 0;
    }

    private void ChunkUpdate(ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty)
        {
            // Compress a full buffered block only once more input proves it is not the chunk's last.
            if (blockLength == BlockLength)
            {
                Compress(chunkCv, block, chunkCounter, BlockLength, ChunkFlags());
                blocksCompressed++;
                blockLength = 0;
                Array.Clear(block);
            }
            var take = Math.Min(BlockLength - blockLength, data.Length);
            data[..take].CopyTo(block.AsSpan(blockLength));
            blockLength += take;
            data = data[take..];
        }
    }

    private void ChunkChainingValue(Span<uint> cv)
    {
        chunkCv.CopyTo(cv);
        Compress(cv, block, chunkCounter, (uint)blockLength, ChunkFlags() | ChunkEnd);
    }

    private void PushCv(ReadOnlySpan<uint> cv, ulong counterBefore)
    {
        MergeCvStack(counterBefore);
        cv.CopyTo(cvStack.AsSpan(stackLength * 8, 8));
        stackLength++;
    }

    // After totalChunks chunks, a complete tree would hold one subtree per set bit of totalChunks.
    private void MergeCvStack(ulong totalChunks)
    {
        var target = BitOperations.PopCount(totalChunks);
        Span<uint> parent = stackalloc uint[8];
        while (stackLength > target)
        {
            SetIv(parent);
            Compress(parent, MemoryMarshal.AsBytes(cvStack.AsSpan((stackLength - 2) * 8, 16)), 0, BlockLength, Parent);
            stackLength--;
            parent.CopyTo(cvStack.AsSpan((stackLength - 1) * 8, 8));
        }
    }
}
