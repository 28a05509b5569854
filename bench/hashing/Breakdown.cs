using System.IO.MemoryMappedFiles;
using System.Runtime.InteropServices;
using Lockstep.Hashing;

/// <summary>
/// The pieces the file hashers are made of, each timed alone on two threads: the compression with
/// its input already in the cache, copying the file into per-thread 1 MiB buffers (read mode
/// without the hashing), and building and dropping the page tables of a mapping (mapped mode
/// without the hashing). Their CPU times add up to about the hashers' CPU time.
/// </summary>
internal static unsafe partial class Breakdown
{
    private const int ReadLeaf = 1 << 20;
    private const int MapLeaf = 2 << 20;

    internal static IEnumerable<(string Name, Action Run)> Cases(string path, long length) =>
    [
        ("compression only, input in cache (1 thread)", () => Compress(length)),
        ("pread into 1 MiB buffers only (2 threads)", () => ReadOnly(path, length)),
        ("map + populate + drop 2 MiB leaves only (2 threads)", () => MapOnly(path, length)),
    ];

    private static void Compress(long length)
    {
        var buffer = new byte[ReadLeaf];
        new Random(1).NextBytes(buffer);
        var hasher = new Blake3Hasher();
        for (long done = 0; done < length; done += buffer.Length)
        {
            hasher.Append(buffer);
        }
        hasher.GetHash();
    }

    private static void ReadOnly(string path, long length)
    {
        using var handle = File.OpenHandle(path);
        Parallel.For(0, length / ReadLeaf, new ParallelOptions { MaxDegreeOfParallelism = 2 },
            () => new byte[ReadLeaf], (i, _, buffer) =>
            {
                RandomAccess.Read(handle, buffer, i * ReadLeaf);
                return buffer;
            }, _ => { });
    }

    private static void MapOnly(string path, long length)
    {
        using var map = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
        using var view = map.CreateViewAccessor(0, length, MemoryMappedFileAccess.Read);
        byte* pointer = null;
        view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
        try
        {
            var start = (nint)pointer;
            Parallel.For(0, length / MapLeaf, new ParallelOptions { MaxDegreeOfParallelism = 2 }, i =>
            {
                _ = Madvise(start + (nint)(i * MapLeaf), MapLeaf, 22); // MADV_POPULATE_READ
                _ = Madvise(start + (nint)(i * MapLeaf), MapLeaf, 4);  // MADV_DONTNEED
            });
        }
        finally
        {
            view.SafeMemoryMappedViewHandle.ReleasePointer();
        }
    }

    [LibraryImport("libc", EntryPoint = "madvise")]
    private static partial int Madvise(nint address, nuint length, int advice);
}
