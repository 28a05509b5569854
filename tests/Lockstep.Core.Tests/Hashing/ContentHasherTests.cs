using FsCheck.Xunit;
using Lockstep.Hashing;
using Lockstep.Tests.Support;

namespace Lockstep.Tests.Hashing;

public sealed class ContentHasherTests
{
    [Fact]
    public void The_hash_of_abc_is_the_standard_sha256_digest() =>
        ContentHasher.HashString("abc").Hex.ShouldBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");

    [Property(MaxTest = 50)]
    public bool Hashing_a_file_gives_the_hash_of_its_bytes(byte[] bytes)
    {
        using var dir = new TempDir();
        var path = Path.Combine(dir.Path, "f");
        File.WriteAllBytes(path, bytes);
        return ContentHasher.HashFileAsync(path, CancellationToken.None).GetAwaiter().GetResult() == ContentHasher.HashBytes(bytes);
    }

    [Fact]
    public async Task A_file_larger_than_the_read_buffer_hashes_like_its_bytes()
    {
        using var dir = new TempDir();
        var bytes = new byte[(3 << 20) + 17];
        new Random(7).NextBytes(bytes);
        var path = Path.Combine(dir.Path, "big");
        await File.WriteAllBytesAsync(path, bytes);
        (await ContentHasher.HashFileAsync(path, CancellationToken.None)).ShouldBe(ContentHasher.HashBytes(bytes));
    }

    [Theory]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("zz")]
    [InlineData("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015a")]
    public void Text_that_is_not_64_hex_digits_is_not_a_hash(string text) =>
        ContentHash.TryParse(text, out _).ShouldBeFalse();

    [Fact]
    public void Parsing_normalises_to_lowercase() =>
        ContentHash.Parse("BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD").ShouldBe(ContentHasher.HashString("abc"));
}
