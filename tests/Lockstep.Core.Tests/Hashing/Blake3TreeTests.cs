namespace Lockstep.Hashing;

public sealed class Blake3TreeTests
{
    [Theory]
    [InlineData(0UL)]
    [InlineData((1UL << 32) - 5)]
    [InlineData((1UL << 40) - 17)]
    public void Wide_kernels_agree_with_the_portable_code_when_chunk_counters_carry_into_the_high_word(ulong counter)
    {
        // Only inputs past 4 TiB have chunk counters of 2^32 and more; check the lanes' carry directly.
        const int chunks = 48;
        var input = new byte[chunks * 1024];
        new Random(7).NextBytes(input);
        var expected = new uint[chunks * 8];
        Blake3Tree.HashChunks(input, counter, expected, Blake3SimdLevel.None);
        foreach (var level in Blake3TestInput.AvailableLevels())
        {
            var actual = new uint[chunks * 8];
            Blake3Tree.HashChunks(input, counter, actual, level);
            actual.ShouldBe(expected, $"kernel {level}");
        }
    }

    [Fact]
    public void Wide_kernels_agree_with_the_portable_code_on_parent_nodes()
    {
        const int parents = 40;
        var children = new uint[parents * 16];
        var random = new Random(11);
        for (var i = 0; i < children.Length; i++)
        {
            children[i] = (uint)random.Next();
        }
        var expected = new uint[parents * 8];
        Blake3Tree.HashParents(children, expected, Blake3SimdLevel.None);
        foreach (var level in Blake3TestInput.AvailableLevels())
        {
            var actual = new uint[parents * 8];
            Blake3Tree.HashParents(children, actual, level);
            actual.ShouldBe(expected, $"kernel {level}");
        }
    }
}
