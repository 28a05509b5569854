namespace Lockstep.Hashing;

/// <summary>
/// The official BLAKE3 test vectors (test_vectors.json, default hash, first 32 bytes), plus larger
/// inputs that cross this implementation's batch, parallel and mapping thresholds. All expected
/// digests were computed with b3sum 1.2.0 (the reference Rust implementation, Debian package) and
/// agree with @noble/hashes 2.x's blake3.
/// </summary>
public sealed class Blake3VectorTests
{
    public static TheoryData<int, string> Vectors => new()
    {
        { 0, "af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262" },
        { 1, "2d3adedff11b61f14c886e35afa036736dcd87a74d27b5c1510225d0f592e213" },
        { 1023, "10108970eeda3eb932baac1428c7a2163b0e924c9a9e25b35bba72b28f70bd11" },
        { 1024, "42214739f095a406f3fc83deb889744ac00df831c10daa55189b5d121c855af7" },
        { 1025, "d00278ae47eb27b34faecf67b4fe263f82d5412916c1ffd97c8cb7fb814b8444" },
        { 2048, "e776b6028c7cd22a4d0ba182a8bf62205d2ef576467e838ed6f2529b85fba24a" },
        { 2049, "5f4d72f40d7a5f82b15ca2b2e44b1de3c2ef86c426c95c1af0b6879522563030" },
        { 3072, "b98cb0ff3623be03326b373de6b9095218513e64f1ee2edd2525c7ad1e5cffd2" },
        { 3073, "7124b49501012f81cc7f11ca069ec9226cecb8a2c850cfe644e327d22d3e1cd3" },
        { 4096, "015094013f57a5277b59d8475c0501042c0b642e531b0a1c8f58d2163229e969" },
        { 4097, "9b4052b38f1c5fc8b1f9ff7ac7b27cd242487b3d890d15c96a1c25b8aa0fb995" },
        { 5120, "9cadc15fed8b5d854562b26a9536d9707cadeda9b143978f319ab34230535833" },
        { 5121, "628bd2cb2004694adaab7bbd778a25df25c47b9d4155a55f8fbd79f2fe154cff" },
        { 6144, "3e2e5b74e048f3add6d21faab3f83aa44d3b2278afb83b80b3c35164ebeca205" },
        { 6145, "f1323a8631446cc50536a9f705ee5cb619424d46887f3c376c695b70e0f0507f" },
        { 7168, "61da957ec2499a95d6b8023e2b0e604ec7f6b50e80a9678b89d2628e99ada77a" },
        { 7169, "a003fc7a51754a9b3c7fae0367ab3d782dccf28855a03d435f8cfe74605e7817" },
        { 8192, "aae792484c8efe4f19e2ca7d371d8c467ffb10748d8a5a1ae579948f718a2a63" },
        { 8193, "bab6c09cb8ce8cf459261398d2e7aef35700bf488116ceb94a36d0f5f1b7bc3b" },
        { 16384, "f875d6646de28985646f34ee13be9a576fd515f76b5b0a26bb324735041ddde4" },
        { 31744, "62b6960e1a44bcc1eb1a611a8d6235b6b4b78f32e7abc4fb4c6cdcce94895c47" },
        { 102400, "bc3e3d41a1146b069abffad3c0d44860cf664390afce4d9661f7902e7943e085" },
        { 262144, "d57dc906e20d3fd326ffaa85535500486f46a0979f5a323f028dcabfd381fd4a" },
        { 263169, "5f939be9e0ff14200d35a1f37ac138d517c81ce2ddfd3b8b7a42c90be46e0105" },
        { 524288, "b467afa334cd7dedd76e3a9a4b0e8a5ed278713f2f4e220a682aa30c7fcd140b" },
        { 525313, "a6f1672cf8a0ca321c57d192290af02382f1eb1e33252aeca157a86c432c5fae" },
        { 1048576, "74cb441fd087764ca9c3694da742ebe30cbeb3060a17009ca81825c7a8d10343" },
        { 1049601, "860f19b5fefff01454de342be87a20059449529116a20fb22a21da665aafa071" },
        { 3150000, "6641f892921d02d58cd1be59c6741815e04f3da5481984fb730959bd3e870746" },
        { 8389633, "80a748e370e8414f4e11af81138fdd3338bb64489ccab27c1d4b2efa612cb65a" },
    };

    [Theory]
    [MemberData(nameof(Vectors))]
    public void One_shot_hash_matches_the_reference_digest(int length, string expected)
    {
        Blake3TestInput.Hex(Blake3.Hash(Blake3TestInput.Bytes(length))).ShouldBe(expected);
    }

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Every_available_kernel_matches_the_reference_digest(int length, string expected)
    {
        var input = Blake3TestInput.Bytes(length);
        foreach (var level in Blake3TestInput.AvailableLevels())
        {
            var hasher = new Blake3Hasher { Simd = level };
            hasher.Append(input);
            Blake3TestInput.Hex(hasher.GetHash()).ShouldBe(expected, $"kernel {level}");
        }
    }

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Byte_at_a_time_and_odd_pieces_match_the_reference_digest(int length, string expected)
    {
        var input = Blake3TestInput.Bytes(length);
        var hasher = new Blake3Hasher();
        // Pieces of 1, 2, 3, ... bytes hit every offset within blocks and chunks.
        var offset = 0;
        for (var piece = 1; offset < input.Length; piece = (piece % 1100) + 1)
        {
            var take = Math.Min(piece, input.Length - offset);
            hasher.Append(input.AsSpan(offset, take));
            offset += take;
        }
        Blake3TestInput.Hex(hasher.GetHash()).ShouldBe(expected);
    }

    [Theory]
    [MemberData(nameof(Vectors))]
    public async Task File_hash_mapped_or_read_on_one_two_and_four_threads_matches_the_reference_digest(int length, string expected)
    {
        var path = Path.Combine(Path.GetTempPath(), $"lockstep-blake3-{Guid.NewGuid():N}.bin");
        await File.WriteAllBytesAsync(path, Blake3TestInput.Bytes(length));
        try
        {
            Blake3TestInput.Hex(await Blake3.HashFileAsync(path, 2, CancellationToken.None)).ShouldBe(expected);
            Blake3TestInput.Hex(await Blake3.HashFileAsync(path, 4, CancellationToken.None)).ShouldBe(expected);
            Blake3TestInput.Hex(await Blake3.HashFileAsync(path, 1, CancellationToken.None)).ShouldBe(expected);
            Blake3TestInput.Hex(await Blake3.HashFileAsync(path, 2, memoryMap: false, CancellationToken.None)).ShouldBe(expected);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [MemberData(nameof(Vectors))]
    public async Task Stream_hash_matches_the_reference_digest(int length, string expected)
    {
        await using var stream = new MemoryStream(Blake3TestInput.Bytes(length));
        Blake3TestInput.Hex(await Blake3.HashStreamAsync(stream, CancellationToken.None)).ShouldBe(expected);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void A_64_MiB_input_split_over_many_leaf_subtrees_matches_the_reference_digest(int threads)
    {
        // 64 MiB + 1 KiB + 1: 32 or 64 parallel leaves merged with the wide kernels, then a tail.
        var hasher = new Blake3Hasher { MaxDegreeOfParallelism = threads };
        hasher.Append(Blake3TestInput.Bytes((64 << 20) + 1025));
        Blake3TestInput.Hex(hasher.GetHash()).ShouldBe("de7156186d2ceffb88d409c44ad275c635d5fa11f27a023822628c3790dcce10");
    }

    [Fact]
    public void Finalize_does_not_end_the_hasher()
    {
        var input = Blake3TestInput.Bytes(5121);
        var hasher = new Blake3Hasher();
        hasher.Append(input.AsSpan(0, 2049));
        Blake3TestInput.Hex(hasher.GetHash()).ShouldBe("5f4d72f40d7a5f82b15ca2b2e44b1de3c2ef86c426c95c1af0b6879522563030");
        hasher.Append(input.AsSpan(2049));
        Blake3TestInput.Hex(hasher.GetHash()).ShouldBe("628bd2cb2004694adaab7bbd778a25df25c47b9d4155a55f8fbd79f2fe154cff");
        hasher.Reset();
        Blake3TestInput.Hex(hasher.GetHash()).ShouldBe("af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262");
    }
}
