using Lockstep.Errors;
using Lockstep.Hashing;
using Lockstep.Storage;
using Lockstep.Tests.Support;

namespace Lockstep.Tests.Storage;

public sealed class FileObjectStoreTests
{
    [Fact]
    public async Task Stored_bytes_are_named_by_their_hash_sharded_and_read_only()
    {
        using var dir = new TempDir();
        var store = new FileObjectStore(dir.Path);
        var stored = await store.PutBytesAsync("hello"u8.ToArray(), default);
        stored.Hash.ShouldBe(ContentHasher.HashString("hello"));
        stored.Size.ShouldBe(5);
        var path = store.PathOf(stored.Hash);
        path.ShouldEndWith(Path.Combine(stored.Hash.Hex[..2], stored.Hash.Hex[2..]));
        File.GetUnixFileMode(path).HasFlag(UnixFileMode.UserWrite).ShouldBeFalse();
        (await store.ReadVerifiedAsync(stored.Hash, default)).ShouldBe("hello"u8.ToArray());
        store.List().ShouldBe([stored.Hash]);
    }

    [Fact]
    public async Task Writing_the_same_bytes_twice_gives_one_object()
    {
        using var dir = new TempDir();
        var store = new FileObjectStore(dir.Path);
        var a = await store.PutBytesAsync("x"u8.ToArray(), default);
        var b = await store.PutFileAsync(dir.File("f", "x"), default);
        a.ShouldBe(b);
        store.List().Count().ShouldBe(1);
        Directory.EnumerateFileSystemEntries(Path.Combine(dir.Path, "tmp")).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_flipped_byte_is_detected_and_the_object_refused()
    {
        using var dir = new TempDir();
        var store = new FileObjectStore(dir.Path);
        var stored = await store.PutBytesAsync("precious"u8.ToArray(), default);
        var path = store.PathOf(stored.Hash);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        await using (var f = new FileStream(path, FileMode.Open, FileAccess.ReadWrite))
        {
            f.WriteByte((byte)'P');
        }
        (await store.CheckAsync(stored.Hash, default)).State.ShouldBe(ObjectState.Corrupt);
        var e = await Should.ThrowAsync<CorruptObjectException>(() => store.GetVerifiedPathAsync(stored.Hash, default));
        e.Message.ShouldContain("is corrupt");
        await Should.ThrowAsync<CorruptObjectException>(() => store.ReadVerifiedAsync(stored.Hash, default));
        await store.PutBytesAsync("precious"u8.ToArray(), default);
        (await store.CheckAsync(stored.Hash, default)).State.ShouldBe(ObjectState.Ok);
    }

    [Fact]
    public async Task A_missing_object_is_reported_as_missing()
    {
        using var dir = new TempDir();
        var store = new FileObjectStore(dir.Path);
        var hash = ContentHasher.HashString("never stored");
        (await store.CheckAsync(hash, default)).State.ShouldBe(ObjectState.Missing);
        (await Should.ThrowAsync<CorruptObjectException>(() => store.GetVerifiedPathAsync(hash, default))).Message.ShouldContain("missing");
    }
}
