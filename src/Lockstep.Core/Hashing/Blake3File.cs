using System.Buffers;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using static Lockstep.Hashing.Blake3Compression;

namespace Lockstep.Hashing;

/// <summary>
/// Hashes a large file on several threads, each of which takes whole leaf subtrees of the file and
/// does all the work for them itself: it reads a leaf into its own buffer (or, for a mapped file,
/// builds and later drops that leaf's page tables) and hashes it. Nothing is left to a serial
/// reader or a serial unmap, so both cores are busy from the first leaf to the last
/// (bench/hashing.md has the measurements that led here).
/// </summary>
internal static unsafe partial class Blake3File
{
    /// <summary>
    /// Read mode: each thread reads 1 MiB at a time into its own buffer, which stays in its core's
    /// L2 (1 MiB on Zen 4) or the L3 cache between the copy and the hashing. Measured per GiB: 512 KiB
    /// leaves cost ≈ 4% more CPU time (more system calls), 2 MiB the same, 4 MiB more again.
    /// </summary>
    internal const int ReadLeaf = 1 << 20;

    /// <summary>
    /// Mapped mode: 2 MiB, a huge page. A file read from disk sits in the page cache in 2 MiB folios
    /// that the kernel maps with one page-table entry each, and a leaf must not split one.
    /// </summary>
    internal const int MapLeaf = 2 << 20;

    // Linux madvise(2) advice values (asm-generic/mman-common.h).
    private const int MadviseDontNeed = 4;
    private const int MadvisePopulateRead = 22;

    /// <summary>
    /// Appends the file's bytes from offset 0 to its end, reading them with positioned reads: whole
    /// leaves of the <paramref name="length"/> known at the start on <paramref name="degree"/>
    /// threads, then whatever follows (the last partial leaf, and anything appended meanwhile) in
    /// order. If the file shrinks while it is read, it is hashed again from the start, in order, so
    /// the result is always the hash of bytes the file held, never a mix with missing pieces.
    /// </summary>
    internal static void AppendRead(Blake3Hasher hasher, SafeFileHandle handle, long length, int leaf, int degree,
        CancellationToken cancellationToken)
    {
        var leaves = length / leaf;
        long offset = 0;
        if (leaves >= 2)
        {
            var leafChunks = leaf / ChunkLength;
            var cvs = new uint[leaves * 8];
            var shrank = 0;
            ForEachLeaf(leaves, degree, cancellationToken,
                () => (nint)NativeMemory.AlignedAlloc((nuint)leaf, 4096),
                (i, buffer) =>
                {
                    if (ReadFull(handle, new Span<byte>((void*)buffer, leaf), i * leaf) < leaf)
                    {
                        Volatile.Write(ref shrank, 1);
                        return;
                    }
                    fixed (uint* cv = &cvs[i * 8])
                    {
                        Blake3Tree.SubtreeCv((byte*)buffer, leafChunks, (ulong)(i * leafChunks), cv, hasher.Simd, cancellationToken);
                    }
                },
                buffer => NativeMemory.AlignedFree((void*)buffer));
            if (Volatile.Read(ref shrank) != 0)
            {
                hasher.Reset();
            }
            else
            {
                hasher.AppendSubtreeCvs(cvs, leafChunks);
                offset = leaves * leaf;
            }
        }
        AppendSequential(hasher, handle, offset, Math.Max(leaf, ReadLeaf), cancellationToken);
    }

    /// <summary>
    /// Appends <paramref name="length"/> mapped bytes at <paramref name="start"/> (the start of a
    /// mapping, so page-aligned). On Linux each thread asks the kernel to map a whole leaf in one call
    /// (MADV_POPULATE_READ, instead of a fault per 4 KiB page) before hashing it and drops the
    /// leaf's page-table entries after (MADV_DONTNEED), which otherwise one thread would tear down
    /// for the whole file when it unmaps (≈ 70 ms per GiB of 4 KiB pages here).
    /// </summary>
    internal static void AppendMapped(Blake3Hasher hasher, byte* start, long length, int leaf, int degree,
        CancellationToken cancellationToken)
    {
        var leaves = length / leaf;
        long offset = 0;
        if (leaves >= 2)
        {
            var leafChunks = leaf / ChunkLength;
            var cvs = new uint[leaves * 8];
            // The lambda gets the address as an integer: the mapping outlives the loop, which waits for every leaf.
            var address = (nint)start;
            var advise = OperatingSystem.IsLinux();
            ForEachLeaf(leaves, degree, cancellationToken, () => 0, (i, _) =>
            {
                var bytes = (byte*)address + (i * leaf);
                if (advise)
                {
                    // Advice only: a kernel older than 5.14 rejects POPULATE_READ and the pages fault in as usual.
                    _ = Madvise((nint)bytes, (nuint)leaf, MadvisePopulateRead);
                }
                fixed (uint* cv = &cvs[i * 8])
                {
                    Blake3Tree.SubtreeCv(bytes, leafChunks, (ulong)(i * leafChunks), cv, hasher.Simd, cancellationToken);
                }
                if (advise)
                {
                    // A read-only shared file mapping: dropping the entries discards nothing but the mapping.
                    _ = Madvise((nint)bytes, (nuint)leaf, MadviseDontNeed);
                }
            }, _ => { });
            hasher.AppendSubtreeCvs(cvs, leafChunks);
            offset = leaves * leaf;
        }
        // Less than two leaves are left (a leaf is at most 64 MiB, so this fits a span).
        hasher.Append(new ReadOnlySpan<byte>(start + offset, checked((int)(length - offset))), cancellationToken);
    }

    private static void ForEachLeaf<TLocal>(long leaves, int degree, CancellationToken cancellationToken,
        Func<TLocal> localInit, Action<long, TLocal> body, Action<TLocal> localFinally)
    {
        try
        {
            Parallel.For(0, leaves, new ParallelOptions { MaxDegreeOfParallelism = degree, CancellationToken = cancellationToken },
                localInit, (i, _, local) =>
                {
                    body(i, local);
                    return local;
                },
                localFinally);
        }
        catch (AggregateException e) when (e.InnerExceptions.All(inner => inner is OperationCanceledException))
        {
            // Callers expect cancellation as such, not wrapped the way Parallel wraps a worker's exception.
            throw new OperationCanceledException(cancellationToken);
        }
    }

    private static void AppendSequential(Blake3Hasher hasher, SafeFileHandle handle, long offset, int bufferSize,
        CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(bufferSize);
        try
        {
            int read;
            while ((read = RandomAccess.Read(handle, buffer.AsSpan(0, bufferSize), offset)) > 0)
            {
                hasher.Append(buffer.AsSpan(0, read), cancellationToken);
                offset += read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static int ReadFull(SafeFileHandle handle, Span<byte> buffer, long offset)
    {
        var total = 0;
        int read;
        while (total < buffer.Length && (read = RandomAccess.Read(handle, buffer[total..], offset + total)) > 0)
        {
            total += read;
        }
        return total;
    }

    [LibraryImport("libc", EntryPoint = "madvise")]
    private static partial int Madvise(nint address, nuint length, int advice);
}
