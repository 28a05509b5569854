using FsCheck;
using FsCheck.Xunit;

namespace Lockstep.Hashing;

/// <summary>
/// BLAKE3's tree makes the hash independent of how the bytes arrive and of how the work is split;
/// these properties check exactly that, with sizes drawn around the block (64 B), chunk (1 KiB),
/// batch (512 KiB), parallel (1 MiB) and mapping (1 MiB) boundaries where the code changes path.
/// </summary>
public sealed class Blake3PropertyTests
{
    private static readonly int[] MemoryBoundaries =
    [
        0, 64, 1024, 2048, 3 * 1024, 16 * 1024, 17 * 1024, 32 * 1024, 256 * 1024, 512 * 1024, 513 * 1024, 1 << 20,
    ];

    private static readonly int[] FileBoundaries =
    [
        1 << 20, (1 << 20) + 1024, 2 << 20, 3 << 20, 4 << 20, 5 << 20,
    ];

    [Property(MaxTest = 150)]
    public bool Appending_in_random_pieces_gives_the_one_shot_hash(NonNegativeInt boundary, int delta, int[] cuts, int contentSeed)
    {
        var size = SizeNear(MemoryBoundaries, boundary.Get, delta, 70);
        var input = RandomBytes(size, contentSeed);
        var points = cuts.Select(c => (int)((uint)c % (uint)(size + 1))).Append(0).Append(size).Order().ToArray();

        var hasher = new Blake3Hasher();
        for (var i = 1; i < points.Length; i++)
        {
            hasher.Append(input.AsSpan(points[i - 1], points[i] - points[i - 1]));
        }
        var portable = new Blake3Hasher { Simd = Blake3SimdLevel.None };
        portable.Append(input);

        var expected = portable.GetHash();
        return hasher.GetHash().AsSpan().SequenceEqual(expected) && Blake3.Hash(input).AsSpan().SequenceEqual(expected);
    }

    [Property(MaxTest = 25)]
    public bool Hashing_a_file_in_parallel_gives_the_sequential_hash(NonNegativeInt boundary, int delta, PositiveInt threads, PositiveInt leaf, int contentSeed)
    {
        var size = SizeNear(FileBoundaries, boundary.Get, delta, 2100);
        var input = RandomBytes(size, contentSeed);
        var degree = 2 + (threads.Get % 4);
        // Leaves from one page to 1 MiB: a file then has from one to hundreds of leaves and a tail.
        var leafBytes = 4096 << (leaf.Get % 9);
        var path = Path.Combine(Path.GetTempPath(), $"lockstep-blake3-{Guid.NewGuid():N}.bin");
        File.WriteAllBytes(path, input);
        try
        {
            // Odd thread counts read the file into buffers, even ones map it.
            var parallel = Blake3.HashFileAsync(path, degree, memoryMap: degree % 2 == 0, leafBytes, CancellationToken.None).GetAwaiter().GetResult();
            var sequential = new Blake3Hasher { MaxDegreeOfParallelism = 1 };
            sequential.Append(input);
            return parallel.AsSpan().SequenceEqual(sequential.GetHash());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Property(MaxTest = 100)]
    public bool Appending_whole_subtrees_by_their_chaining_values_gives_the_hash_of_their_bytes(
        NonNegativeInt sizeExponent, PositiveInt count, NonNegativeInt split, NonNegativeInt tail, int contentSeed)
    {
        var subtreeChunks = 1 << (sizeExponent.Get % 5);
        var subtreeBytes = subtreeChunks * 1024;
        var n = 2 + (count.Get % 40);
        var input = RandomBytes((n * subtreeBytes) + (tail.Get % 3000), contentSeed);
        var cvs = new uint[n * 8];
        for (var i = 0; i < n; i++)
        {
            SubtreeCv(input.AsSpan(i * subtreeBytes, subtreeBytes), (ulong)(i * subtreeChunks)).CopyTo(cvs.AsSpan(i * 8));
        }

        // Two calls when the split allows it (the first needs two subtrees, the second one), so the
        // second meets chaining values already waiting on the stack.
        var first = split.Get % (n + 1);
        first = first < 2 || first == n ? n : first;
        var hasher = new Blake3Hasher();
        hasher.AppendSubtreeCvs(cvs.AsSpan(0, first * 8), subtreeChunks);
        if (first < n)
        {
            hasher.AppendSubtreeCvs(cvs.AsSpan(first * 8), subtreeChunks);
        }
        hasher.Append(input.AsSpan(n * subtreeBytes));
        return hasher.GetHash().AsSpan().SequenceEqual(Blake3.Hash(input));
    }

    [Fact]
    public void A_lone_subtree_cannot_be_appended_to_an_empty_hasher_since_it_may_be_the_root()
    {
        Should.Throw<InvalidOperationException>(() => new Blake3Hasher().AppendSubtreeCvs(new uint[8], 4));
    }

    // The chaining value of one aligned subtree of whole chunks, reduced level by level.
    private static uint[] SubtreeCv(ReadOnlySpan<byte> bytes, ulong counter)
    {
        var level = new uint[bytes.Length / 1024 * 8];
        Blake3Tree.HashChunks(bytes, counter, level, Blake3Tree.Best);
        while (level.Length > 8)
        {
            var parents = new uint[level.Length / 2];
            Blake3Tree.HashParents(level, parents, Blake3Tree.Best);
            level = parents;
        }
        return level;
    }

    private static int SizeNear(int[] boundaries, int pick, int delta, int spread) =>
        Math.Max(0, boundaries[pick % boundaries.Length] + (delta % spread));

    private static byte[] RandomBytes(int size, int seed)
    {
        var bytes = new byte[size];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
