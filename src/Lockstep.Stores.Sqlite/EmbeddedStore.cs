using Lockstep.Errors;
using Lockstep.Storage;

namespace Lockstep.Stores.Sqlite;

/// <summary>
/// The embedded default store: one folder holding <c>objects/</c> (content-addressed files),
/// <c>lockstep.db</c> (SQLite, WAL), <c>tmp/</c> (scratch on the same volume, so outputs are
/// renamed into place) and <c>locks/</c> (advisory lock files).
/// </summary>
public sealed class EmbeddedStore : IStore
{
    public const string DatabaseFile = "lockstep.db";

    private EmbeddedStore(string root, FileObjectStore objects, SqliteMetadataStore metadata)
    {
        Location = root;
        Objects = objects;
        FileObjects = objects;
        Metadata = metadata;
        SqliteMetadata = metadata;
        Datasets = new SqliteDatasetCatalog(metadata.Database);
        Models = new SqliteModelRegistry(metadata.Database, TimeProvider.System);
    }

    public IDatasetCatalog Datasets { get; }

    public string Location { get; }

    public IObjectStore Objects { get; }

    public FileObjectStore FileObjects { get; }

    public IMetadataStore Metadata { get; }

    public SqliteMetadataStore SqliteMetadata { get; }

    /// <summary>The model registry, in the same database (migration 3).</summary>
    public IModelRegistry Models { get; }

    public SqliteDatabase Database => SqliteMetadata.Database;

    /// <summary>Opens the store at <paramref name="root"/>, creating it when <paramref name="create"/> is true.</summary>
    public static async Task<EmbeddedStore> OpenAsync(string root, bool create, CancellationToken cancellationToken)
    {
        var full = Path.GetFullPath(root);
        var dbPath = Path.Combine(full, DatabaseFile);
        if (!create && !File.Exists(dbPath))
        {
            throw new StoreException($"no store at {full}: run 'lockstep init' in the workspace first (or run 'lockstep run', which creates it)");
        }
        try
        {
            Directory.CreateDirectory(full);
            Directory.CreateDirectory(Path.Combine(full, "locks"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StoreException($"cannot create the store folder {full}: {e.Message}", e);
        }
        var objects = new FileObjectStore(full);
        var db = await SqliteDatabase.OpenAsync(dbPath, cancellationToken).ConfigureAwait(false);
        return new EmbeddedStore(full, objects, new SqliteMetadataStore(db));
    }

    public async Task<IAsyncDisposable> AcquireLockAsync(string name, bool shared, CancellationToken cancellationToken)
    {
        var path = Path.Combine(Location, "locks", name + ".lock");
        var delay = 5;
        while (true)
        {
            try
            {
                // On Unix .NET takes flock(LOCK_SH) for shared access and flock(LOCK_EX) for
                // FileShare.None; the kernel drops it when the process dies.
                var stream = shared
                    ? new FileStream(path, FileMode.OpenOrCreate, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete)
                    : new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                return new Releaser(stream);
            }
            catch (DirectoryNotFoundException)
            {
                // Someone removed locks/ (a clean-up script): recreate it rather than wait forever.
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            }
            catch (IOException)
            {
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                delay = Math.Min(delay * 2, 200);
            }
        }
    }

    public ValueTask DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        return ValueTask.CompletedTask;
    }

    private sealed class Releaser(FileStream stream) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => stream.DisposeAsync();
    }
}
