using Lockstep.Hashing;

namespace Lockstep.Storage;

/// <summary>
/// Immutable content-addressed objects. An object's name is the hash of its bytes; writing the
/// same bytes twice gives the same name. Reads through <see cref="ReadVerifiedAsync"/> and
/// <see cref="GetVerifiedPathAsync"/> re-hash the object and refuse a corrupt one.
/// </summary>
public interface IObjectStore
{
    /// <summary>Stores a copy of the file at <paramref name="path"/> and returns its hash.</summary>
    Task<StoredObject> PutFileAsync(string path, CancellationToken cancellationToken);

    /// <summary>
    /// Moves a file that the caller owns (a step's output in the store's scratch folder) into the
    /// store; cheaper than a copy. The file is gone from <paramref name="path"/> afterwards.
    /// </summary>
    Task<StoredObject> PutOwnedFileAsync(string path, CancellationToken cancellationToken);

    Task<StoredObject> PutBytesAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken);

    /// <summary>True when an object with that name is present (its bytes are not checked).</summary>
    bool Exists(ContentHash hash);

    /// <summary>Re-hashes the object; returns a path to read it from, or throws <see cref="Errors.CorruptObjectException"/>.</summary>
    Task<string> GetVerifiedPathAsync(ContentHash hash, CancellationToken cancellationToken);

    /// <summary>Reads the whole object after verifying it.</summary>
    Task<byte[]> ReadVerifiedAsync(ContentHash hash, CancellationToken cancellationToken);

    /// <summary>Checks one object: present, and its bytes hash to its name.</summary>
    Task<ObjectHealth> CheckAsync(ContentHash hash, CancellationToken cancellationToken);

    /// <summary>Every object in the store, in hash order.</summary>
    IEnumerable<ContentHash> List();

    long SizeOf(ContentHash hash);

    /// <summary>Removes an object (garbage collection only).</summary>
    Task DeleteAsync(ContentHash hash, CancellationToken cancellationToken);

    /// <summary>A fresh folder for a producer's temporary files, on the same volume as the objects.</summary>
    string CreateScratchDirectory(string purpose);
}

/// <summary>An object just written: its name and size in bytes.</summary>
public readonly record struct StoredObject(ContentHash Hash, long Size);

public enum ObjectState
{
    Ok,
    Missing,
    Corrupt,
}

public readonly record struct ObjectHealth(ContentHash Hash, ObjectState State, ContentHash? ActualHash);
