using System.CommandLine;
using System.Text.Json.Nodes;
using Lockstep.Hashing;
using Lockstep.Serving.Logging;
using Lockstep.Storage;

namespace Lockstep.Cli.Commands;

/// <summary>
/// <c>lockstep verify</c>: re-hash every stored object and report corrupt and missing ones; run
/// SQLite's consistency check on the database and decode every block of the prediction log.
/// </summary>
internal static class VerifyCommand
{
    /// <summary>Exit code when the store has damaged or missing objects.</summary>
    public const int Damaged = 5;

    private const int ShownDatabaseProblems = 12;

    public static Command Create()
    {
        var command = new Command("verify", "Re-hash every object in the store and report those that are corrupt, and those the records refer to that are missing; check the database file and decode every prediction-log block");
        LockstepCli.SetAction(command, async (session, ct) =>
        {
            var store = await session.OpenStoreAsync(ct).ConfigureAwait(false);
            var present = store.Objects.List().ToList();
            var corrupt = new List<ObjectHealth>();
            long bytes = 0;
            foreach (var hash in present)
            {
                var health = await store.Objects.CheckAsync(hash, ct).ConfigureAwait(false);
                if (health.State != ObjectState.Ok)
                {
                    corrupt.Add(health);
                }
                bytes += Math.Max(0, store.Objects.SizeOf(hash));
            }
            // The database first: when it is damaged, the records' reads below may fail, and what
            // they could not read is reported with it instead of ending the check.
            var database = (await store.Database.QuickCheckAsync(ct).ConfigureAwait(false)).ToList();
            var presentSet = present.ToHashSet();
            var missing = new List<ContentHash>();
            var log = new PredictionLogHealth(0, 0, []);
            try
            {
                var referenced = await store.Metadata.GetReferencedObjectsAsync(ct).ConfigureAwait(false);
                missing = referenced.Where(h => !presentSet.Contains(h)).Order().ToList();
                log = await new PredictionLogReader(store.Database, store.Objects).CheckAsync(ct).ConfigureAwait(false);
            }
            catch (Microsoft.Data.Sqlite.SqliteException e) when (database.Count > 0)
            {
                database.Add($"the records could not be read to the end ({e.Message.TrimEnd('.')}): missing objects and the prediction log were not checked");
            }
            var clean = corrupt.Count == 0 && missing.Count == 0 && database.Count == 0 && log.Damaged.Count == 0;
            if (session.Json)
            {
                session.WriteJson(new JsonObject
                {
                    ["clean"] = clean,
                    ["objects_checked"] = present.Count,
                    ["bytes_checked"] = bytes,
                    ["corrupt"] = new JsonArray(corrupt.Select(c => (JsonNode)new JsonObject { ["hash"] = c.Hash.Hex, ["actual"] = c.ActualHash?.Hex }).ToArray()),
                    ["missing"] = new JsonArray(missing.Select(m => (JsonNode)JsonValue.Create(m.Hex)).ToArray()),
                    ["database_problems"] = new JsonArray(database.Select(p => (JsonNode)JsonValue.Create(p)).ToArray()),
                    ["predictions_checked"] = log.Predictions,
                    ["prediction_blocks_checked"] = log.Blocks,
                    ["damaged_prediction_blocks"] = new JsonArray(log.Damaged.Select(d => (JsonNode)JsonValue.Create(d)).ToArray()),
                });
            }
            else
            {
                foreach (var c in corrupt)
                {
                    session.Out.WriteLine($"CORRUPT  {c.Hash.Hex}  (its bytes hash to {c.ActualHash?.Short ?? "?"})");
                }
                foreach (var m in missing)
                {
                    session.Out.WriteLine($"MISSING  {m.Hex}  (a run or catalogue refers to it)");
                }
                // SQLite lists up to 100 problems, often one per cell of a damaged page: the first
                // few say where; --json has them all.
                foreach (var p in database.Take(ShownDatabaseProblems))
                {
                    session.Out.WriteLine($"DATABASE {p}");
                }
                if (database.Count > ShownDatabaseProblems)
                {
                    session.Out.WriteLine($"DATABASE … and {database.Count - ShownDatabaseProblems} more (--json lists them all)");
                }
                foreach (var d in log.Damaged)
                {
                    session.Out.WriteLine($"DAMAGED  prediction log: {d}");
                }
                if (clean)
                {
                    session.Out.WriteLine($"store is clean: {present.Count} object(s), {Render.Bytes(bytes)}, all hash right; database consistent; {(log.Predictions == 0 ? "no predictions logged" : $"{log.Predictions} logged prediction(s) readable")}");
                }
                else
                {
                    if (corrupt.Count > 0 || missing.Count > 0)
                    {
                        session.Out.WriteLine($"{corrupt.Count} corrupt and {missing.Count} missing object(s) of {present.Count}; Lockstep will not use them. Re-run the pipeline to produce them again (a corrupt object is replaced when re-created), or restore them from a backup.");
                    }
                    if (database.Count > 0)
                    {
                        session.Out.WriteLine($"the database {store.Database.Path} is damaged ({database.Count} problem(s)); restore it from a backup, or recover what SQLite can read with 'sqlite3 FILE .recover'.");
                    }
                    if (log.Damaged.Count > 0)
                    {
                        session.Out.WriteLine($"{log.Damaged.Count} of {log.Blocks} prediction-log block(s) cannot be read; the others can ('predictions export --since/--until' around them).");
                    }
                }
            }
            return clean ? 0 : Damaged;
        });
        return command;
    }
}
