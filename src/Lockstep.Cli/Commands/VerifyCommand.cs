using System.CommandLine;
using System.Text.Json.Nodes;
using Lockstep.Hashing;
using Lockstep.Storage;

namespace Lockstep.Cli.Commands;

/// <summary><c>lockstep verify</c>: re-hash every stored object; report corrupt and missing ones.</summary>
internal static class VerifyCommand
{
    /// <summary>Exit code when the store has damaged or missing objects.</summary>
    public const int Damaged = 5;

    public static Command Create()
    {
        var command = new Command("verify", "Re-hash every object in the store and report those that are corrupt, and those the records refer to that are missing");
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
            var referenced = await store.Metadata.GetReferencedObjectsAsync(ct).ConfigureAwait(false);
            var presentSet = present.ToHashSet();
            var missing = referenced.Where(h => !presentSet.Contains(h)).Order().ToList();
            if (session.Json)
            {
                session.WriteJson(new JsonObject
                {
                    ["clean"] = corrupt.Count == 0 && missing.Count == 0,
                    ["objects_checked"] = present.Count,
                    ["bytes_checked"] = bytes,
                    ["corrupt"] = new JsonArray(corrupt.Select(c => (JsonNode)new JsonObject { ["hash"] = c.Hash.Hex, ["actual"] = c.ActualHash?.Hex }).ToArray()),
                    ["missing"] = new JsonArray(missing.Select(m => (JsonNode)JsonValue.Create(m.Hex)).ToArray()),
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
                session.Out.WriteLine(corrupt.Count == 0 && missing.Count == 0
                    ? $"store is clean: {present.Count} object(s), {Render.Bytes(bytes)}, all hash right"
                    : $"{corrupt.Count} corrupt and {missing.Count} missing object(s) of {present.Count}; Lockstep will not use them. Re-run the pipeline to produce them again (a corrupt object is replaced when re-created), or restore them from a backup.");
            }
            return corrupt.Count == 0 && missing.Count == 0 ? 0 : Damaged;
        });
        return command;
    }
}
