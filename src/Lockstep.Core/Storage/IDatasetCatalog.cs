namespace Lockstep.Storage;

/// <summary>
/// Named, versioned dataset snapshots (as DVC tracks data versions): a name maps to versions
/// 1, 2, 3…, each naming a snapshot object and its statistics object in the store.
/// Registering bytes the name already has returns that version instead of adding one.
/// </summary>
public interface IDatasetCatalog
{
    /// <summary>Adds a version of <paramref name="entry"/>'s name, or returns the existing version holding the same snapshot.</summary>
    Task<DatasetVersion> RegisterAsync(NewDatasetVersion entry, CancellationToken cancellationToken);

    /// <summary>The version, or the latest when <paramref name="version"/> is null; null when there is none.</summary>
    Task<DatasetVersion?> FindAsync(string name, int? version, CancellationToken cancellationToken);

    /// <summary>Every version of <paramref name="name"/>, oldest first.</summary>
    Task<IReadOnlyList<DatasetVersion>> ListVersionsAsync(string name, CancellationToken cancellationToken);

    /// <summary>The latest version of every name, by name.</summary>
    Task<IReadOnlyList<DatasetVersion>> ListLatestAsync(CancellationToken cancellationToken);
}
