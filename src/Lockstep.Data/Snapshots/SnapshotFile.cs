using Lockstep.Data.Tables;

namespace Lockstep.Data.Snapshots;

/// <summary>Whole-table helpers over <see cref="SnapshotWriter"/> and <see cref="SnapshotReader"/>.</summary>
public static class SnapshotFile
{
    /// <summary>Writes <paramref name="table"/> as a snapshot; the same table always gives the same bytes.</summary>
    public static async Task WriteAsync(Table table, string path, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(table);
        await using var writer = await SnapshotWriter.CreateAsync(path, table.Layout, null, cancellationToken).ConfigureAwait(false);
        await writer.WriteAsync(table, cancellationToken).ConfigureAwait(false);
        await writer.CompleteAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads a whole snapshot into memory.</summary>
    public static async Task<Table> ReadAsync(string path, CancellationToken cancellationToken)
    {
        await using var reader = await SnapshotReader.OpenAsync(path, cancellationToken).ConfigureAwait(false);
        return await reader.ReadAllAsync(cancellationToken).ConfigureAwait(false);
    }
}
