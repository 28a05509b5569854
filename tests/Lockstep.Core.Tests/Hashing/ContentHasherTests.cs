using FsCheck.Xunit;
using Lockstep.Hashing;
using Lockstep.Tests.Support;

namespace Lockstep.Tests.Hashing;

public sealed class ContentHasherTests
{
    [Fact]
    public void The_hash_of_abc_is_the_standard_blake3_digest_that_b3sum_prints() =>
        ContentHasher.HashString("abc").Hex.ShouldBe("6437b3ac38465133ffb63b75273a8db548c558465d79db03fd359c6cd5bd9d85");

    [Fact]
    public async Task Both_file_paths_agree_with_the_hash_of_the_bytes()
    {
        using var dir = new TempDir();
        var bytes = new byte[(5 << 20) + 3];
        new Random(11).NextBytes(bytes);
        var path = Path.Combine(dir.Path, "f");
        await File.WriteAllBytesAsync(path, bytes);
        (await ContentHasher.HashImmutableFileAsync(path, CancellationToken.None)).ShouldBe(ContentHasher.HashBytes(bytes));
        (await ContentHasher.HashFileAsync(path, CancellationToken.None)).ShouldBe(ContentHasher.HashBytes(bytes));
    }

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
    [InlineData("6437b3ac38465133ffb63b75273a8db548c558465d79db03fd359c6cd5bd9d8")]
    public void Text_that_is_not_64_hex_digits_is_not_a_hash(string text) =>
        ContentHash.TryParse(text, out _).ShouldBeFalse();

    [Fact]
    public void Parsing_normalises_to_lowercase() =>
        ContentHash.Parse("6437B3AC38465133FFB63B75273A8DB548C558465D79DB03FD359C6CD5BD9D85").ShouldBe(ContentHasher.HashString("abc"));
}
