using System.Globalization;
using System.Text.Json;
using Lockstep.Hashing;
using Lockstep.Storage;
using Lockstep.Stores.Sqlite.Migrations;
using Microsoft.Data.Sqlite;

namespace Lockstep.Stores.Sqlite;

/// <summary>Runs, step records, the cache index and lineage in the store's SQLite database.</summary>
public sealed class SqliteMetadataStore : IMetadataStore
{
    private readonly SqliteDatabase _db;

    public SqliteMetadataStore(SqliteDatabase db) => _db = db;

    public SqliteDatabase Database => _db;

    public async Task CreateRunAsync(RunRecord run, CancellationToken cancellationToken)
    {
        await using var c = await _db.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var cmd = c.CreateCommand();
        cmd.CommandText = """
            INSERT INTO runs(id, pipeline, kind, reproduces, status, started_at, finished_at, user, host, pid, seed, seed_generated, workspace, config_json, environment_json, source_json, error)
            VALUES ($id, $pipeline, $kind, $reproduces, $status, $started, NULL, $user, $host, $pid, $seed, $seedGenerated, $workspace, $config, $env, $source, NULL)
            """;
        cmd.Parameters.AddWithValue("$id", run.Id);
        cmd.Parameters.AddWithValue("$pipeline", run.Pipeline);
        cmd.Parameters.AddWithValue("$kind", run.Kind);
        cmd.Parameters.AddWithValue("$reproduces", (object?)run.Reproduces ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$status", Status(run.Status));
        cmd.Parameters.AddWithValue("$started", Time(run.StartedAt));
        cmd.Parameters.AddWithValue("$user", run.User);
        cmd.Parameters.AddWithValue("$host", run.Host);
        cmd.Parameters.AddWithValue("$pid", run.ProcessId);
        cmd.Parameters.AddWithValue("$seed", run.Seed);
        cmd.Parameters.AddWithValue("$seedGenerated", run.SeedGenerated ? 1 : 0);
        cmd.Parameters.AddWithValue("$workspace", run.WorkspacePath);
        cmd.Parameters.AddWithValue("$config", run.ConfigJson);
        cmd.Parameters.AddWithValue("$env", run.EnvironmentJson);
        cmd.Parameters.AddWithValue("$source", run.SourceJson);
        await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task FinishRunAsync(string runId, RunStatus status, DateTimeOffset finishedAt, string? error, CancellationToken cancellationToken)
    {
        await using var c = await _db.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var cmd = c.CreateCommand();
        cmd.CommandText = "UPDATE runs SET status = $status, finished_at = $finished, error = $error WHERE id = $id";
        cmd.Parameters.AddWithValue("$id", runId);
        cmd.Parameters.AddWithValue("$status", Status(status));
        cmd.Parameters.AddWithValue("$finished", Time(finishedAt));
        cmd.Parameters.AddWithValue("$error", (object?)error ?? DBNull.Value);
        await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task RecordStepAsync(StepRunRecord step, CacheEntry? cacheEntry, CancellationToken cancellationToken)
    {
        await using var c = await _db.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = (SqliteTransaction)await c.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var cmd = c.CreateCommand())
        {
            cmd.Transaction = tx;
            cmd.CommandText = """
                INSERT OR REPLACE INTO step_runs(run_id, step_id, type, status, cached, cache_key, cache_reason, key_json, code_identity, started_at, finished_at, duration_ms, params_json, seed, metrics_json, log, error)
                VALUES ($run, $step, $type, $status, $cached, $key, $reason, $keyJson, $code, $started, $finished, $duration, $params, $seed, $metrics, $log, $error)
                """;
            cmd.Parameters.AddWithValue("$run", step.RunId);
            cmd.Parameters.AddWithValue("$step", step.StepId);
            cmd.Parameters.AddWithValue("$type", step.Type);
            cmd.Parameters.AddWithValue("$status", step.Status.ToString().ToLowerInvariant());
            cmd.Parameters.AddWithValue("$cached", step.Cached ? 1 : 0);
            cmd.Parameters.AddWithValue("$key", step.CacheKey);
            cmd.Parameters.AddWithValue("$reason", step.CacheReason);
            cmd.Parameters.AddWithValue("$keyJson", step.KeyJson);
            cmd.Parameters.AddWithValue("$code", step.CodeIdentity);
            cmd.Parameters.AddWithValue("$started", Time(step.StartedAt));
            cmd.Parameters.AddWithValue("$finished", step.FinishedAt is { } f ? Time(f) : DBNull.Value);
            cmd.Parameters.AddWithValue("$duration", step.DurationMs);
            cmd.Parameters.AddWithValue("$params", step.ParametersJson);
            cmd.Parameters.AddWithValue("$seed", (object?)step.Seed ?? DBNull.Value);
            cmd.Parameters.AddWithValue("$metrics", StoreJson.WriteMetrics(step.Metrics));
            cmd.Parameters.AddWithValue("$log", step.Log);
            cmd.Parameters.AddWithValue("$error", (object?)step.Error ?? DBNull.Value);
            await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        foreach (var (direction, list) in new[] { ("in", step.Inputs), ("out", step.Outputs) })
        {
            foreach (var artifact in list)
            {
                await using var cmd = c.CreateCommand();
                cmd.Transaction = tx;
                cmd.CommandText = "INSERT OR REPLACE INTO step_artifacts(run_id, step_id, direction, name, hash, size, source) VALUES ($run, $step, $dir, $name, $hash, $size, $source)";
                cmd.Parameters.AddWithValue("$run", step.RunId);
                cmd.Parameters.AddWithValue("$step", step.StepId);
                cmd.Parameters.AddWithValue("$dir", direction);
                cmd.Parameters.AddWithValue("$name", artifact.Name);
                cmd.Parameters.AddWithValue("$hash", artifact.Hash.Hex);
                cmd.Parameters.AddWithValue("$size", artifact.Size);
                cmd.Parameters.AddWithValue("$source", (object?)artifact.Source ?? DBNull.Value);
                await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        if (cacheEntry is not null)
        {
            await using var cmd = c.CreateCommand();
            cmd.Transaction = tx;
            cmd.CommandText = "INSERT OR REPLACE INTO cache_entries(key, run_id, step_id, outputs_json, metrics_json) VALUES ($key, $run, $step, $outputs, $metrics)";
            cmd.Parameters.AddWithValue("$key", cacheEntry.Key);
            cmd.Parameters.AddWithValue("$run", cacheEntry.RunId);
            cmd.Parameters.AddWithValue("$step", cacheEntry.StepId);
            cmd.Parameters.AddWithValue("$outputs", SerializeOutputs(cacheEntry.Outputs));
            cmd.Parameters.AddWithValue("$metrics", StoreJson.WriteMetrics(cacheEntry.Metrics));
            await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<CacheEntry?> FindCacheEntryAsync(string key, CancellationToken cancellationToken)
    {
        await using var c = await _db.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT run_id, step_id, outputs_json, metrics_json FROM cache_entries WHERE key = $key";
        cmd.Parameters.AddWithValue("$key", key);
        await using var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await r.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }
        return new CacheEntry(key, r.GetString(0), r.GetString(1), DeserializeOutputs(r.GetString(2)), Metrics(r.GetString(3)));
    }

    public async Task RemoveCacheEntryAsync(string key, CancellationToken cancellationToken)
    {
        await using var c = await _db.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var cmd = c.CreateCommand();
        cmd.CommandText = "DELETE FROM cache_entries WHERE key = $key";
        cmd.Parameters.AddWithValue("$key", key);
        await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<StepRunRecord?> FindPreviousStepRunAsync(string pipeline, string stepId, string excludingRunId, CancellationToken cancellationToken)
    {
        await using var c = await _db.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var cmd = c.CreateCommand();
        cmd.CommandText = $"""
            SELECT {StepColumns} FROM step_runs s JOIN runs r ON r.id = s.run_id
            WHERE r.pipeline = $pipeline AND s.step_id = $step AND s.run_id <> $exclude AND s.status = 'succeeded'
            ORDER BY s.started_at DESC, s.run_id DESC LIMIT 1
            """;
        cmd.Parameters.AddWithValue("$pipeline", pipeline);
        cmd.Parameters.AddWithValue("$step", stepId);
        cmd.Parameters.AddWithValue("$exclude", excludingRunId);
        var list = await ReadStepsAsync(c, cmd, cancellationToken).ConfigureAwait(false);
        return list.FirstOrDefault();
    }

    public async Task<RunRecord?> FindRunAsync(string idOrPrefix, CancellationToken cancellationToken)
    {
        await using var c = await _db.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var cmd = c.CreateCommand();
        if (idOrPrefix is "last" or "latest")
        {
            cmd.CommandText = $"SELECT {RunColumns} FROM runs ORDER BY started_at DESC, id DESC LIMIT 1";
        }
        else
        {
            cmd.CommandText = $"SELECT {RunColumns} FROM runs WHERE id = $id OR id LIKE $prefix ESCAPE '\\' ORDER BY (id = $id) DESC, id LIMIT 2";
            cmd.Parameters.AddWithValue("$id", idOrPrefix);
            cmd.Parameters.AddWithValue("$prefix", idOrPrefix.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal) + "%");
        }
        var runs = await ReadRunsAsync(cmd, cancellationToken).ConfigureAwait(false);
        if (runs.Count == 0)
        {
            return null;
        }
        if (runs.Count > 1 && runs[0].Id != idOrPrefix)
        {
            throw new Errors.LockstepException($"run id '{idOrPrefix}' is ambiguous: it starts {runs[0].Id}, {runs[1].Id}, …; give more characters");
        }
        return runs[0];
    }

    public async Task<IReadOnlyList<RunRecord>> ListRunsAsync(int limit, CancellationToken cancellationToken)
    {
        await using var c = await _db.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var cmd = c.CreateCommand();
        cmd.CommandText = $"SELECT {RunColumns} FROM runs ORDER BY started_at DESC, id DESC LIMIT $limit";
        cmd.Parameters.AddWithValue("$limit", limit);
        return await ReadRunsAsync(cmd, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<StepRunRecord>> GetStepRunsAsync(string runId, CancellationToken cancellationToken)
    {
        await using var c = await _db.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var cmd = c.CreateCommand();
        cmd.CommandText = $"SELECT {StepColumns} FROM step_runs s WHERE s.run_id = $run ORDER BY s.started_at, s.step_id";
        cmd.Parameters.AddWithValue("$run", runId);
        return await ReadStepsAsync(c, cmd, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<ArtifactUse>> FindArtifactUsesAsync(ContentHash hash, CancellationToken cancellationToken)
    {
        await using var c = await _db.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var cmd = c.CreateCommand();
        cmd.CommandText = """
            SELECT a.run_id, a.step_id, s.type, a.name, a.direction FROM step_artifacts a
            JOIN step_runs s ON s.run_id = a.run_id AND s.step_id = a.step_id
            WHERE a.hash = $hash ORDER BY a.run_id, a.step_id, a.direction, a.name
            """;
        cmd.Parameters.AddWithValue("$hash", hash.Hex);
        var result = new List<ArtifactUse>();
        await using var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            result.Add(new ArtifactUse(hash, r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4) == "out"));
        }
        return result;
    }

    public async Task<IReadOnlyList<ContentHash>> FindArtifactsByPrefixAsync(string prefix, CancellationToken cancellationToken)
    {
        await using var c = await _db.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT DISTINCT hash FROM step_artifacts WHERE hash >= $lo AND hash < $hi ORDER BY hash LIMIT 10";
        var lo = prefix.ToLowerInvariant();
        cmd.Parameters.AddWithValue("$lo", lo);
        cmd.Parameters.AddWithValue("$hi", lo + "g");
        var result = new List<ContentHash>();
        await using var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            result.Add(ContentHash.Parse(r.GetString(0)));
        }
        return result;
    }

    public async Task<IReadOnlySet<ContentHash>> GetReferencedObjectsAsync(CancellationToken cancellationToken)
    {
        var result = new HashSet<ContentHash>();
        await using var c = await _db.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        foreach (var query in AllMigrations.ReferenceQueries)
        {
            await using var cmd = c.CreateCommand();
            cmd.CommandText = query;
            await using var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                if (!r.IsDBNull(0) && ContentHash.TryParse(r.GetString(0), out var hash))
                {
                    result.Add(hash);
                }
            }
        }
        await using (var cmd = c.CreateCommand())
        {
            cmd.CommandText = "SELECT outputs_json FROM cache_entries";
            await using var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                foreach (var output in DeserializeOutputs(r.GetString(0)))
                {
                    result.Add(output.Hash);
                }
            }
        }
        return result;
    }

    public async Task<int> MarkInterruptedRunsAsync(string host, Func<int, bool> isProcessAlive, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var c = await _db.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var stale = new List<string>();
        await using (var cmd = c.CreateCommand())
        {
            cmd.CommandText = "SELECT id, pid FROM runs WHERE status = 'running' AND host = $host";
            cmd.Parameters.AddWithValue("$host", host);
            await using var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                if (!isProcessAlive(r.GetInt32(1)))
                {
                    stale.Add(r.GetString(0));
                }
            }
        }
        foreach (var id in stale)
        {
            await using var cmd = c.CreateCommand();
            cmd.CommandText = "UPDATE runs SET status = 'interrupted', finished_at = $now, error = 'the process ended before the run finished (killed or crashed)' WHERE id = $id AND status = 'running'";
            cmd.Parameters.AddWithValue("$id", id);
            cmd.Parameters.AddWithValue("$now", Time(now));
            await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        return stale.Count;
    }

    private const string RunColumns = "id, pipeline, kind, reproduces, status, started_at, finished_at, user, host, pid, seed, seed_generated, workspace, config_json, environment_json, source_json, error";

    private const string StepColumns = "s.run_id, s.step_id, s.type, s.status, s.cached, s.cache_key, s.cache_reason, s.key_json, s.code_identity, s.started_at, s.finished_at, s.duration_ms, s.params_json, s.seed, s.metrics_json, s.log, s.error";

    private static async Task<List<RunRecord>> ReadRunsAsync(SqliteCommand cmd, CancellationToken cancellationToken)
    {
        var result = new List<RunRecord>();
        await using var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            result.Add(new RunRecord
            {
                Id = r.GetString(0),
                Pipeline = r.GetString(1),
                Kind = r.GetString(2),
                Reproduces = r.IsDBNull(3) ? null : r.GetString(3),
                Status = Enum.Parse<RunStatus>(r.GetString(4), ignoreCase: true),
                StartedAt = ParseTime(r.GetString(5)),
                FinishedAt = r.IsDBNull(6) ? null : ParseTime(r.GetString(6)),
                User = r.GetString(7),
                Host = r.GetString(8),
                ProcessId = r.GetInt32(9),
                Seed = r.GetInt64(10),
                SeedGenerated = r.GetInt32(11) != 0,
                WorkspacePath = r.GetString(12),
                ConfigJson = r.GetString(13),
                EnvironmentJson = r.GetString(14),
                SourceJson = r.GetString(15),
                Error = r.IsDBNull(16) ? null : r.GetString(16),
            });
        }
        return result;
    }

    private static async Task<List<StepRunRecord>> ReadStepsAsync(SqliteConnection c, SqliteCommand cmd, CancellationToken cancellationToken)
    {
        var steps = new List<StepRunRecord>();
        await using (var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                steps.Add(new StepRunRecord
                {
                    RunId = r.GetString(0),
                    StepId = r.GetString(1),
                    Type = r.GetString(2),
                    Status = Enum.Parse<StepStatus>(r.GetString(3), ignoreCase: true),
                    Cached = r.GetInt32(4) != 0,
                    CacheKey = r.GetString(5),
                    CacheReason = r.GetString(6),
                    KeyJson = r.GetString(7),
                    CodeIdentity = r.GetString(8),
                    StartedAt = ParseTime(r.GetString(9)),
                    FinishedAt = r.IsDBNull(10) ? null : ParseTime(r.GetString(10)),
                    DurationMs = r.GetDouble(11),
                    ParametersJson = r.GetString(12),
                    Seed = r.IsDBNull(13) ? null : r.GetInt64(13),
                    Metrics = Metrics(r.GetString(14)),
                    Log = r.GetString(15),
                    Error = r.IsDBNull(16) ? null : r.GetString(16),
                });
            }
        }
        for (var i = 0; i < steps.Count; i++)
        {
            await using var q = c.CreateCommand();
            q.CommandText = "SELECT direction, name, hash, size, source FROM step_artifacts WHERE run_id = $run AND step_id = $step ORDER BY name";
            q.Parameters.AddWithValue("$run", steps[i].RunId);
            q.Parameters.AddWithValue("$step", steps[i].StepId);
            var inputs = new List<ArtifactBinding>();
            var outputs = new List<ArtifactBinding>();
            await using var r = await q.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var binding = new ArtifactBinding(r.GetString(1), ContentHash.Parse(r.GetString(2)), r.GetInt64(3), r.IsDBNull(4) ? null : r.GetString(4));
                (r.GetString(0) == "in" ? inputs : outputs).Add(binding);
            }
            steps[i] = steps[i] with { Inputs = inputs, Outputs = outputs };
        }
        return steps;
    }

    private static string Status(RunStatus status) => status.ToString().ToLowerInvariant();

    internal static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);

    internal static DateTimeOffset ParseTime(string s) => DateTimeOffset.Parse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    private static IReadOnlyDictionary<string, double> Metrics(string json) => StoreJson.ReadMetrics(json);

    private static string SerializeOutputs(IEnumerable<ArtifactBinding> outputs) =>
        JsonSerializer.Serialize(outputs.Select(o => new StoredOutput(o.Name, o.Hash.Hex, o.Size)).ToList(), StoreJsonContext.Default.ListStoredOutput);

    private static List<ArtifactBinding> DeserializeOutputs(string json) => StoreJson.ReadOutputs(json);
}
