namespace Lockstep.Hashing;

public sealed class Blake3FileTests
{
    [Fact]
    public async Task Hashing_a_missing_file_throws_file_not_found()
    {
        var path = Path.Combine(Path.GetTempPath(), $"lockstep-missing-{Guid.NewGuid():N}.bin");
        await Should.ThrowAsync<FileNotFoundException>(() => Blake3.HashFileAsync(path, CancellationToken.None));
    }

    [Fact]
    public async Task Hashing_an_empty_file_gives_the_empty_input_hash()
    {
        var path = Path.Combine(Path.GetTempPath(), $"lockstep-blake3-{Guid.NewGuid():N}.bin");
        await File.WriteAllBytesAsync(path, []);
        try
        {
            Blake3TestInput.Hex(await Blake3.HashFileAsync(path, CancellationToken.None))
                .ShouldBe("af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task A_file_that_reports_length_zero_is_read_to_its_end()
    {
        // /proc files have no size in stat but do have content; pipes behave the same way.
        const string path = "/proc/version";
        var expected = Blake3.Hash(await File.ReadAllBytesAsync(path));
        Blake3TestInput.Hex(await Blake3.HashFileAsync(path, CancellationToken.None)).ShouldBe(Blake3TestInput.Hex(expected));
        new FileInfo(path).Length.ShouldBe(0);
    }

    [Fact]
    public async Task Reading_and_mapping_a_file_of_many_leaves_give_the_in_memory_hash()
    {
        var input = Blake3TestInput.Bytes((40 << 20) + 3);
        var path = Path.Combine(Path.GetTempPath(), $"lockstep-blake3-{Guid.NewGuid():N}.bin");
        await File.WriteAllBytesAsync(path, input);
        try
        {
            var expected = Blake3TestInput.Hex(Blake3.Hash(input));
            Blake3TestInput.Hex(await Blake3.HashFileAsync(path, 2, memoryMap: false, CancellationToken.None)).ShouldBe(expected);
            Blake3TestInput.Hex(await Blake3.HashFileAsync(path, 1, memoryMap: false, CancellationToken.None)).ShouldBe(expected);
            Blake3TestInput.Hex(await Blake3.HashFileAsync(path, 2, memoryMap: true, CancellationToken.None)).ShouldBe(expected);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task A_cancelled_token_stops_hashing_a_large_file()
    {
        var path = Path.Combine(Path.GetTempPath(), $"lockstep-blake3-{Guid.NewGuid():N}.bin");
        await File.WriteAllBytesAsync(path, Blake3TestInput.Bytes(4 << 20));
        try
        {
            using var cancelled = new CancellationTokenSource();
            await cancelled.CancelAsync();
            await Should.ThrowAsync<OperationCanceledException>(() => Blake3.HashFileAsync(path, 2, cancelled.Token));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_degree_of_parallelism_below_one_is_rejected()
    {
        Should.Throw<ArgumentOutOfRangeException>(() => Blake3.HashFileAsync("x", 0, CancellationToken.None));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void A_cancelled_token_stops_a_large_append_with_an_operation_cancelled_exception(int threads)
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        var hasher = new Blake3Hasher { MaxDegreeOfParallelism = threads };
        Should.Throw<OperationCanceledException>(() => hasher.Append(new byte[4 << 20], cancelled.Token));
    }
}
