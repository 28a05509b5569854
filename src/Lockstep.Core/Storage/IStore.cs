namespace Lockstep.Storage;

/// <summary>
/// A workspace's store: objects plus metadata. The embedded default is a folder with an object
/// tree and a SQLite database; other backends implement the same contracts.
/// </summary>
public interface IStore : IAsyncDisposable
{
    /// <summary>Where the store lives, for messages ("/work/ws/.lockstep").</summary>
    string Location { get; }

    IObjectStore Objects { get; }

    IMetadataStore Metadata { get; }

    /// <summary>Named, versioned dataset snapshots; backends without one say so when it is used.</summary>
    IDatasetCatalog Datasets => throw new NotSupportedException($"the store at {Location} has no dataset catalogue");
    /// <summary>The model registry (named models, versions, aliases). Backends without one say so.</summary>
    IModelRegistry Models => throw new NotSupportedException($"the store at {Location} has no model registry");

    /// <summary>
    /// Takes a cross-process lock named <paramref name="name"/>, waiting for it; dispose to release.
    /// Shared holders exclude only exclusive ones (runs hold "store" shared, gc exclusive). A lock
    /// held by a killed process is released by the operating system.
    /// </summary>
    Task<IAsyncDisposable> AcquireLockAsync(string name, bool shared, CancellationToken cancellationToken);
}
