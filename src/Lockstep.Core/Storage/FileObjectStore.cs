using Lockstep.Errors;
using Lockstep.Hashing;

namespace Lockstep.Storage;

/// <summary>
/// Objects as files in a folder, sharded by the first two hex digits of their hash
/// (<c>objects/ab/cdef…</c>). Every write goes to a temporary file in the same folder tree and is
/// renamed into place, so a reader never sees half an object, even if the writer is killed. Files
/// are made read-only once in place.
/// </summary>
public sealed class FileObjectStore : IObjectStore
{
    private readonly string _objects;
    private readonly string _scratch;

    public FileObjectStore(string root)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        Root = Path.GetFullPath(root);
        _objects = Path.Combine(Root, "objects");
        _scratch = Path.Combine(Root, "tmp");
        try
        {
            Directory.CreateDirectory(_objects);
            Directory.CreateDirectory(_scratch);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StoreException($"cannot create the object store at {Root}: {e.Message}. Check that the folder is writable.", e);
        }
    }

    public string Root { get; }

    public string PathOf(ContentHash hash) => Path.Combine(_objects, hash.Hex[..2], hash.Hex[2..]);

    public async Task<StoredObject> PutFileAsync(string path, CancellationToken cancellationToken)
    {
        var temp = NewTempPath();
        try
        {
            await using (var source = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan | FileOptions.Asynchronous))
            await using (var target = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous))
            {
                await source.CopyToAsync(target, 1 << 20, cancellationToken).ConfigureAwait(false);
                await target.FlushAsync(cancellationToken).ConfigureAwait(false);
                target.Flush(flushToDisk: true);
            }
            return await PlaceAsync(temp, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            TryDelete(temp);
        }
    }

    public async Task<StoredObject> PutOwnedFileAsync(string path, CancellationToken cancellationToken)
    {
        var temp = NewTempPath();
        try
        {
            File.Move(path, temp);
            using (var handle = File.OpenHandle(temp, FileMode.Open, FileAccess.ReadWrite))
            {
                RandomAccess.FlushToDisk(handle);
            }
            return await PlaceAsync(temp, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            TryDelete(temp);
        }
    }

    public async Task<StoredObject> PutBytesAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        var temp = NewTempPath();
        try
        {
            await using (var target = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous))
            {
                await target.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
                target.Flush(flushToDisk: true);
            }
            return await PlaceAsync(temp, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            TryDelete(temp);
        }
    }

    public bool Exists(ContentHash hash) => File.Exists(PathOf(hash));

    public long SizeOf(ContentHash hash)
    {
        var info = new FileInfo(PathOf(hash));
        return info.Exists ? info.Length : -1;
    }

    public async Task<string> GetVerifiedPathAsync(ContentHash hash, CancellationToken cancellationToken)
    {
        var health = await CheckAsync(hash, cancellationToken).ConfigureAwait(false);
        if (health.State != ObjectState.Ok)
        {
            throw new CorruptObjectException(hash, PathOf(hash), health.ActualHash);
        }
        return PathOf(hash);
    }

    public async Task<byte[]> ReadVerifiedAsync(ContentHash hash, CancellationToken cancellationToken)
    {
        var path = PathOf(hash);
        byte[] bytes;
        try
        {
            bytes = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new CorruptObjectException(hash, path, null);
        }
        var actual = ContentHasher.HashBytes(bytes);
        if (actual != hash)
        {
            throw new CorruptObjectException(hash, path, actual);
        }
        return bytes;
    }

    public async Task<ObjectHealth> CheckAsync(ContentHash hash, CancellationToken cancellationToken)
    {
        var path = PathOf(hash);
        ContentHash actual;
        try
        {
            actual = await ContentHasher.HashImmutableFileAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return new ObjectHealth(hash, ObjectState.Missing, null);
        }
        return actual == hash
            ? new ObjectHealth(hash, ObjectState.Ok, actual)
            : new ObjectHealth(hash, ObjectState.Corrupt, actual);
    }

    public IEnumerable<ContentHash> List()
    {
        if (!Directory.Exists(_objects))
        {
            yield break;
        }
        foreach (var shard in Directory.EnumerateDirectories(_objects).Order(StringComparer.Ordinal))
        {
            var prefix = Path.GetFileName(shard);
            foreach (var file in Directory.EnumerateFiles(shard).Order(StringComparer.Ordinal))
            {
                if (ContentHash.TryParse(prefix + Path.GetFileName(file), out var hash))
                {
                    yield return hash;
                }
            }
        }
    }

    public Task DeleteAsync(ContentHash hash, CancellationToken cancellationToken)
    {
        var path = PathOf(hash);
        if (File.Exists(path))
        {
            File.SetAttributes(path, FileAttributes.Normal);
            File.Delete(path);
        }
        return Task.CompletedTask;
    }

    public string CreateScratchDirectory(string purpose)
    {
        var safe = string.Concat(purpose.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_'));
        var dir = Path.Combine(_scratch, $"{safe}-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>Scratch folders and temporary files, for garbage collection of those left by killed processes.</summary>
    public IEnumerable<string> ListScratchEntries() =>
        Directory.Exists(_scratch) ? Directory.EnumerateFileSystemEntries(_scratch).Order(StringComparer.Ordinal).ToList() : [];

    private async Task<StoredObject> PlaceAsync(string temp, CancellationToken cancellationToken)
    {
        var hash = await ContentHasher.HashImmutableFileAsync(temp, cancellationToken).ConfigureAwait(false);
        var size = new FileInfo(temp).Length;
        var final = PathOf(hash);
        Directory.CreateDirectory(Path.GetDirectoryName(final)!);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        }
        else
        {
            File.SetAttributes(temp, FileAttributes.ReadOnly);
        }
        // rename(2) replaces an existing object atomically: identical bytes by construction, and a
        // corrupt copy left earlier is repaired by the fresh one.
        File.Move(temp, final, overwrite: true);
        return new StoredObject(hash, size);
    }

    private string NewTempPath() => Path.Combine(_scratch, $"put-{Environment.ProcessId}-{Guid.NewGuid():N}");

    private static void TryDelete(string path)
    {
        try
        {
            if (File.Exists(path))
            {
                File.Delete(path);
            }
        }
        catch (IOException)
        {
            // best effort: gc removes scratch files of dead processes
        }
    }
}
