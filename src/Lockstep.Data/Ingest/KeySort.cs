using Lockstep.Data.Snapshots;
using Lockstep.Data.Tables;

namespace Lockstep.Data.Ingest;

/// <summary>
/// Rewrites a snapshot sorted by key columns (stable: equal keys keep source order; nulls first).
/// Holds the whole table in memory: sorting is the one ingest option whose memory grows with the
/// row count.
/// </summary>
internal static class KeySort
{
    public static async Task SortAsync(string unsortedPath, string sortedPath, IReadOnlyList<string> key, CancellationToken cancellationToken)
    {
        var table = await SnapshotFile.ReadAsync(unsortedPath, cancellationToken).ConfigureAwait(false);
        var columns = key.Select(k => table[k]).ToArray();
        var order = Enumerable.Range(0, table.RowCount).ToArray();
        Array.Sort(order, (a, b) =>
        {
            foreach (var c in columns)
            {
                var cmp = Compare(c, a, b);
                if (cmp != 0)
                {
                    return cmp;
                }
            }
            return a.CompareTo(b);
        });
        var sorted = table.Select(order);
        await using var reader = await SnapshotReader.OpenAsync(unsortedPath, cancellationToken).ConfigureAwait(false);
        await using var writer = await SnapshotWriter.CreateAsync(sortedPath, sorted.Layout, reader.Metadata.Where(p => p.Key != SnapshotWriter.FormatKey).ToDictionary(), cancellationToken).ConfigureAwait(false);
        await writer.WriteAsync(sorted, cancellationToken).ConfigureAwait(false);
        await writer.CompleteAsync(cancellationToken).ConfigureAwait(false);
    }

    private static int Compare(Column c, int a, int b) => c.Type switch
    {
        ColumnType.Int64 => Nullable.Compare(c.GetInt64(a), c.GetInt64(b)),
        ColumnType.Double => Nullable.Compare(c.GetDouble(a), c.GetDouble(b)),
        ColumnType.Boolean => Nullable.Compare(c.GetBoolean(a), c.GetBoolean(b)),
        _ => string.CompareOrdinal(c.GetString(a), c.GetString(b)),
    };
}
