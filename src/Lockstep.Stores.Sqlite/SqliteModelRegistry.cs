using System.Globalization;
using Lockstep.Errors;
using Lockstep.Hashing;
using Lockstep.Storage;
using Microsoft.Data.Sqlite;

namespace Lockstep.Stores.Sqlite;

/// <summary>
/// The model registry in the store's SQLite database (migration 3). Each change runs in one
/// IMMEDIATE transaction, so concurrent registrations from several processes get distinct,
/// gap-free version numbers.
/// </summary>
public sealed class SqliteModelRegistry(SqliteDatabase database, TimeProvider time) : IModelRegistry
{
    private const string VersionColumns = "name, version, bundle_hash, run_id, step_id, lineage_json, metrics_json, registered_at, registered_by";

    public async Task<ModelVersion> RegisterAsync(ModelRegistration registration, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(registration);
        CheckName(registration.Name);
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = (SqliteTransaction)await connection.BeginTransactionAsync(System.Data.IsolationLevel.Serializable, cancellationToken).ConfigureAwait(false);
        var existing = await QueryVersionsAsync(connection, tx, "WHERE name = $name AND bundle_hash = $hash", cancellationToken,
            ("$name", registration.Name), ("$hash", registration.BundleHash.Hex)).ConfigureAwait(false);
        if (existing.Count > 0)
        {
            await tx.RollbackAsync(cancellationToken).ConfigureAwait(false);
            return existing[0];
        }
        await using (var insert = connection.CreateCommand())
        {
            insert.Transaction = tx;
            insert.CommandText = $"""
                INSERT INTO model_versions({VersionColumns})
                VALUES ($name, (SELECT COALESCE(MAX(version), 0) + 1 FROM model_versions WHERE name = $name), $hash, $run, $step, $lineage, $metrics, $at, $by)
                """;
            insert.Parameters.AddWithValue("$name", registration.Name);
            insert.Parameters.AddWithValue("$hash", registration.BundleHash.Hex);
            insert.Parameters.AddWithValue("$run", registration.RunId);
            insert.Parameters.AddWithValue("$step", (object?)registration.StepId ?? DBNull.Value);
            insert.Parameters.AddWithValue("$lineage", registration.LineageJson);
            insert.Parameters.AddWithValue("$metrics", registration.MetricsJson);
            insert.Parameters.AddWithValue("$at", Timestamp(time.GetUtcNow()));
            insert.Parameters.AddWithValue("$by", registration.RegisteredBy);
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        var added = await QueryVersionsAsync(connection, tx, "WHERE name = $name AND bundle_hash = $hash", cancellationToken,
            ("$name", registration.Name), ("$hash", registration.BundleHash.Hex)).ConfigureAwait(false);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return added[0];
    }

    public async Task<ModelVersion?> FindAsync(ModelReference reference, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reference);
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var found = reference switch
        {
            { Version: { } v } => await QueryVersionsAsync(connection, null, "WHERE name = $name AND version = $v", cancellationToken, ("$name", reference.Name), ("$v", v)).ConfigureAwait(false),
            { Alias: { } a } => await QueryVersionsAsync(connection, null, "WHERE name = $name AND version = (SELECT version FROM model_aliases WHERE name = $name AND alias = $a)", cancellationToken, ("$name", reference.Name), ("$a", a)).ConfigureAwait(false),
            _ => await QueryVersionsAsync(connection, null, "WHERE name = $name AND version = (SELECT MAX(version) FROM model_versions WHERE name = $name)", cancellationToken, ("$name", reference.Name)).ConfigureAwait(false),
        };
        return found.Count == 0 ? null : found[0];
    }

    public async Task<IReadOnlyList<RegisteredModel>> ListModelsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var aliases = await AliasesAsync(connection, null, null, cancellationToken).ConfigureAwait(false);
        var result = new List<RegisteredModel>();
        await using var query = connection.CreateCommand();
        query.CommandText = "SELECT name, MAX(version), COUNT(*) FROM model_versions GROUP BY name ORDER BY name";
        await using var reader = await query.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var name = reader.GetString(0);
            var map = aliases.Where(a => a.Name == name).ToDictionary(a => a.Alias, a => a.Version, StringComparer.Ordinal);
            result.Add(new RegisteredModel(name, reader.GetInt32(1), reader.GetInt32(2), map));
        }
        return result;
    }

    public async Task<IReadOnlyList<ModelVersion>> ListVersionsAsync(string name, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await QueryVersionsAsync(connection, null, "WHERE name = $name", cancellationToken, ("$name", name)).ConfigureAwait(false);
    }

    public Task<AliasMove> MoveAliasAsync(string name, string alias, int version, string movedBy, string? reason, CancellationToken cancellationToken) =>
        SetAliasAsync(name, alias, version, movedBy, reason, cancellationToken);

    public Task<AliasMove> RemoveAliasAsync(string name, string alias, string movedBy, string? reason, CancellationToken cancellationToken) =>
        SetAliasAsync(name, alias, null, movedBy, reason, cancellationToken);

    public async Task<IReadOnlyList<AliasMove>> AliasHistoryAsync(string name, string? alias, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var query = connection.CreateCommand();
        query.CommandText = "SELECT name, alias, from_version, to_version, moved_by, moved_at, reason FROM model_alias_moves WHERE name = $name AND ($alias IS NULL OR alias = $alias) ORDER BY id";
        query.Parameters.AddWithValue("$name", name);
        query.Parameters.AddWithValue("$alias", (object?)alias ?? DBNull.Value);
        var result = new List<AliasMove>();
        await using var reader = await query.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            result.Add(new AliasMove(
                reader.GetString(0),
                reader.GetString(1),
                reader.IsDBNull(2) ? null : reader.GetInt32(2),
                reader.IsDBNull(3) ? null : reader.GetInt32(3),
                reader.GetString(4),
                DateTimeOffset.Parse(reader.GetString(5), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind),
                reader.IsDBNull(6) ? null : reader.GetString(6)));
        }
        return result;
    }

    private async Task<AliasMove> SetAliasAsync(string name, string alias, int? version, string movedBy, string? reason, CancellationToken cancellationToken)
    {
        CheckName(name);
        if (!ModelReference.IsValidAlias(alias))
        {
            throw new ArgumentException($"'{alias}' is not a valid alias: use letters, digits, '.', '_' or '-', starting with a letter (e.g. production)", nameof(alias));
        }
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = (SqliteTransaction)await connection.BeginTransactionAsync(System.Data.IsolationLevel.Serializable, cancellationToken).ConfigureAwait(false);
        if (version is { } v)
        {
            var target = await QueryVersionsAsync(connection, tx, "WHERE name = $name AND version = $v", cancellationToken, ("$name", name), ("$v", v)).ConfigureAwait(false);
            if (target.Count == 0)
            {
                var versions = await QueryVersionsAsync(connection, tx, "WHERE name = $name", cancellationToken, ("$name", name)).ConfigureAwait(false);
                throw new StoreException(versions.Count == 0
                    ? $"there is no registered model '{name}'; register one first (the 'register' step)"
                    : $"model '{name}' has no version {v}; its versions are 1 to {versions[^1].Version}");
            }
        }
        var current = (await AliasesAsync(connection, tx, name, cancellationToken).ConfigureAwait(false)).FirstOrDefault(a => a.Alias == alias);
        int? from = current.Alias is null ? null : current.Version;
        if (from is null && version is null)
        {
            throw new StoreException($"model '{name}' has no alias '{alias}' to remove");
        }
        await using (var change = connection.CreateCommand())
        {
            change.Transaction = tx;
            change.CommandText = version is null
                ? "DELETE FROM model_aliases WHERE name = $name AND alias = $alias"
                : "INSERT INTO model_aliases(name, alias, version) VALUES ($name, $alias, $v) ON CONFLICT(name, alias) DO UPDATE SET version = excluded.version";
            change.Parameters.AddWithValue("$name", name);
            change.Parameters.AddWithValue("$alias", alias);
            change.Parameters.AddWithValue("$v", (object?)version ?? DBNull.Value);
            await change.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        var move = new AliasMove(name, alias, from, version, movedBy, time.GetUtcNow(), reason);
        await using (var record = connection.CreateCommand())
        {
            record.Transaction = tx;
            record.CommandText = "INSERT INTO model_alias_moves(name, alias, from_version, to_version, moved_by, moved_at, reason) VALUES ($name, $alias, $from, $to, $by, $at, $why)";
            record.Parameters.AddWithValue("$name", name);
            record.Parameters.AddWithValue("$alias", alias);
            record.Parameters.AddWithValue("$from", (object?)from ?? DBNull.Value);
            record.Parameters.AddWithValue("$to", (object?)version ?? DBNull.Value);
            record.Parameters.AddWithValue("$by", movedBy);
            record.Parameters.AddWithValue("$at", Timestamp(move.MovedAt));
            record.Parameters.AddWithValue("$why", (object?)reason ?? DBNull.Value);
            await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return move;
    }

    private static async Task<List<(string Name, string Alias, int Version)>> AliasesAsync(SqliteConnection connection, SqliteTransaction? tx, string? name, CancellationToken cancellationToken)
    {
        await using var query = connection.CreateCommand();
        query.Transaction = tx;
        query.CommandText = "SELECT name, alias, version FROM model_aliases WHERE $name IS NULL OR name = $name ORDER BY name, alias";
        query.Parameters.AddWithValue("$name", (object?)name ?? DBNull.Value);
        var result = new List<(string, string, int)>();
        await using var reader = await query.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            result.Add((reader.GetString(0), reader.GetString(1), reader.GetInt32(2)));
        }
        return result;
    }

    private static async Task<List<ModelVersion>> QueryVersionsAsync(SqliteConnection connection, SqliteTransaction? tx, string where, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        var rows = new List<(string Name, int Version, string Hash, string Run, string? Step, string Lineage, string Metrics, string At, string By)>();
        await using (var query = connection.CreateCommand())
        {
            query.Transaction = tx;
            query.CommandText = $"SELECT {VersionColumns} FROM model_versions {where} ORDER BY name, version";
            foreach (var (n, v) in parameters)
            {
                query.Parameters.AddWithValue(n, v);
            }
            await using var reader = await query.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                rows.Add((reader.GetString(0), reader.GetInt32(1), reader.GetString(2), reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetString(4),
                    reader.GetString(5), reader.GetString(6), reader.GetString(7), reader.GetString(8)));
            }
        }
        if (rows.Count == 0)
        {
            return [];
        }
        var aliases = await AliasesAsync(connection, tx, rows[0].Name, cancellationToken).ConfigureAwait(false);
        return rows.Select(r => new ModelVersion(
            r.Name, r.Version, ContentHash.Parse(r.Hash), r.Run, r.Step, r.Lineage, r.Metrics,
            DateTimeOffset.Parse(r.At, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind), r.By,
            aliases.Where(a => a.Name == r.Name && a.Version == r.Version).Select(a => a.Alias).ToList())).ToList();
    }

    private static void CheckName(string name)
    {
        if (!ModelReference.IsValidName(name))
        {
            throw new ArgumentException($"'{name}' is not a valid model name: use letters, digits, '.', '_' or '-' (e.g. adult-income)", nameof(name));
        }
    }

    private static string Timestamp(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ", CultureInfo.InvariantCulture);
}
