using System.Globalization;
using Lockstep.Hashing;
using Lockstep.Storage;
using Microsoft.Data.Sqlite;

namespace Lockstep.Stores.Sqlite;

/// <summary>The dataset catalogue in the store's SQLite database (table <c>datasets</c>, migration 2).</summary>
public sealed class SqliteDatasetCatalog(SqliteDatabase db) : IDatasetCatalog
{
    private const string Columns = "name, version, snapshot, statistics, rows, columns, source, run_id, step_id, created_at";

    public async Task<DatasetVersion> RegisterAsync(NewDatasetVersion entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        await using var c = await db.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        // IMMEDIATE: two runs registering the same name must not both take the same next number.
        await using var tx = c.BeginTransaction(deferred: false);
        await using (var find = c.CreateCommand())
        {
            find.Transaction = tx;
            find.CommandText = $"SELECT {Columns} FROM datasets WHERE name = $name AND snapshot = $snapshot ORDER BY version LIMIT 1";
            find.Parameters.AddWithValue("$name", entry.Name);
            find.Parameters.AddWithValue("$snapshot", entry.Snapshot.Hex);
            var existing = await ReadAsync(find, cancellationToken).ConfigureAwait(false);
            if (existing.Count > 0)
            {
                return existing[0];
            }
        }
        int next;
        await using (var max = c.CreateCommand())
        {
            max.Transaction = tx;
            max.CommandText = "SELECT COALESCE(MAX(version), 0) + 1 FROM datasets WHERE name = $name";
            max.Parameters.AddWithValue("$name", entry.Name);
            next = Convert.ToInt32(await max.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
        }
        await using (var insert = c.CreateCommand())
        {
            insert.Transaction = tx;
            insert.CommandText = $"INSERT INTO datasets({Columns}) VALUES ($name, $version, $snapshot, $statistics, $rows, $columns, $source, $run, $step, $created)";
            insert.Parameters.AddWithValue("$name", entry.Name);
            insert.Parameters.AddWithValue("$version", next);
            insert.Parameters.AddWithValue("$snapshot", entry.Snapshot.Hex);
            insert.Parameters.AddWithValue("$statistics", entry.Statistics.Hex);
            insert.Parameters.AddWithValue("$rows", entry.Rows);
            insert.Parameters.AddWithValue("$columns", entry.Columns);
            insert.Parameters.AddWithValue("$source", entry.Source);
            insert.Parameters.AddWithValue("$run", (object?)entry.RunId ?? DBNull.Value);
            insert.Parameters.AddWithValue("$step", (object?)entry.StepId ?? DBNull.Value);
            insert.Parameters.AddWithValue("$created", entry.CreatedAt.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture));
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new DatasetVersion(entry.Name, next, entry.Snapshot, entry.Statistics, entry.Rows, entry.Columns, entry.Source, entry.RunId, entry.StepId, entry.CreatedAt);
    }

    public async Task<DatasetVersion?> FindAsync(string name, int? version, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var cmd = c.CreateCommand();
        cmd.CommandText = version is null
            ? $"SELECT {Columns} FROM datasets WHERE name = $name ORDER BY version DESC LIMIT 1"
            : $"SELECT {Columns} FROM datasets WHERE name = $name AND version = $version";
        cmd.Parameters.AddWithValue("$name", name);
        if (version is { } v)
        {
            cmd.Parameters.AddWithValue("$version", v);
        }
        var found = await ReadAsync(cmd, cancellationToken).ConfigureAwait(false);
        return found.Count == 0 ? null : found[0];
    }

    public async Task<IReadOnlyList<DatasetVersion>> ListVersionsAsync(string name, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var cmd = c.CreateCommand();
        cmd.CommandText = $"SELECT {Columns} FROM datasets WHERE name = $name ORDER BY version";
        cmd.Parameters.AddWithValue("$name", name);
        return await ReadAsync(cmd, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<DatasetVersion>> ListLatestAsync(CancellationToken cancellationToken)
    {
        await using var c = await db.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var cmd = c.CreateCommand();
        cmd.CommandText = $"SELECT {Columns} FROM datasets d WHERE version = (SELECT MAX(version) FROM datasets WHERE name = d.name) ORDER BY name";
        return await ReadAsync(cmd, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<List<DatasetVersion>> ReadAsync(SqliteCommand cmd, CancellationToken cancellationToken)
    {
        var result = new List<DatasetVersion>();
        await using var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            result.Add(new DatasetVersion(
                r.GetString(0),
                r.GetInt32(1),
                ContentHash.Parse(r.GetString(2)),
                ContentHash.Parse(r.GetString(3)),
                r.GetInt64(4),
                r.GetInt32(5),
                r.GetString(6),
                r.IsDBNull(7) ? null : r.GetString(7),
                r.IsDBNull(8) ? null : r.GetString(8),
                DateTimeOffset.Parse(r.GetString(9), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind)));
        }
        return result;
    }
}
