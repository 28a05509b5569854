using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Lockstep.Errors;

namespace Lockstep.Cli.Commands;

/// <summary><c>lockstep gc</c>: remove objects no run, cache entry or catalogue refers to.</summary>
internal static class GcCommand
{
    public static Command Create()
    {
        var dryRun = new Option<bool>("--dry-run") { Description = "Say what would be removed without removing it" };
        var wait = new Option<int>("--wait") { Description = "Seconds to wait for running pipelines to finish", DefaultValueFactory = _ => 30 };
        var command = new Command("gc", "Remove stored objects that no run, cache entry or catalogue refers to, scratch files left by killed processes, and the parsed-pipeline cache");
        command.Options.Add(dryRun);
        command.Options.Add(wait);
        LockstepCli.SetAction(command, async (session, ct) =>
        {
            var seconds = Math.Max(1, ArgumentsException.AtLeast("--wait", session.Parse.GetValue(wait), 0));
            var store = await session.OpenStoreAsync(ct).ConfigureAwait(false);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
            IAsyncDisposable exclusive;
            try
            {
                // Runs hold the store lock shared: an object a run wrote but has not recorded yet must not be removed.
                exclusive = await store.AcquireLockAsync("store", shared: false, linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested)
            {
                throw new LockstepException("a pipeline is running on this store; gc waits for it to finish. Try again later or pass a longer --wait.");
            }
            await using (exclusive)
            {
                // What is kept is what the records refer to: read from a damaged database, that
                // list could be short, and an object still in use would be deleted for good.
                if (await store.Database.QuickCheckAsync(ct).ConfigureAwait(false) is { Count: > 0 } problems)
                {
                    throw new StoreException($"the store database {store.Database.Path} is damaged ({problems[0]}{(problems.Count > 1 ? $", and {problems.Count - 1} more problem(s)" : "")}); gc removes nothing until it is repaired. 'lockstep verify' lists the problems; restore the database from a backup.");
                }
                var referenced = await store.Metadata.GetReferencedObjectsAsync(ct).ConfigureAwait(false);
                var removed = 0;
                long freed = 0;
                var kept = 0;
                foreach (var hash in store.Objects.List().ToList())
                {
                    if (referenced.Contains(hash))
                    {
                        kept++;
                        continue;
                    }
                    removed++;
                    freed += Math.Max(0, store.Objects.SizeOf(hash));
                    if (!session.Parse.GetValue(dryRun))
                    {
                        await store.Objects.DeleteAsync(hash, ct).ConfigureAwait(false);
                    }
                }
                var scratch = 0;
                foreach (var dir in store.FileObjects.ListScratchEntries())
                {
                    if (OwnerIsGone(Path.GetFileName(dir)))
                    {
                        scratch++;
                        if (!session.Parse.GetValue(dryRun))
                        {
                            if (Directory.Exists(dir))
                            {
                                Directory.Delete(dir, recursive: true);
                            }
                            else
                            {
                                File.Delete(dir);
                            }
                        }
                    }
                }
                // Parsed pipelines kept to start cached runs faster: derived, rebuilt by the next
                // run, and one per --set combination ever used, so gc clears them all.
                var plans = 0;
                var resolved = Path.Combine(store.Location, Planning.ResolvedPipelineCache.FolderName);
                if (Directory.Exists(resolved))
                {
                    foreach (var file in Directory.EnumerateFiles(resolved))
                    {
                        plans++;
                        if (!session.Parse.GetValue(dryRun))
                        {
                            File.Delete(file);
                        }
                    }
                }
                if (session.Json)
                {
                    session.WriteJson(new JsonObject { ["dry_run"] = session.Parse.GetValue(dryRun), ["removed_objects"] = removed, ["freed_bytes"] = freed, ["kept_objects"] = kept, ["removed_scratch"] = scratch, ["removed_parsed_pipelines"] = plans });
                }
                else
                {
                    var verb = session.Parse.GetValue(dryRun) ? "would remove" : "removed";
                    session.Out.WriteLine($"{verb} {removed} unreferenced object(s) ({Render.Bytes(freed)}) and {scratch} leftover scratch entr{(scratch == 1 ? "y" : "ies")} and {plans} parsed pipeline(s) (rebuilt on the next run); kept {kept} object(s)");
                }
            }
            return 0;
        });
        return command;
    }

    /// <summary>Scratch entries are named "{purpose}-{pid}-{guid}"; one whose process is gone is garbage.</summary>
    private static bool OwnerIsGone(string name)
    {
        var parts = name.Split('-');
        if (parts.Length < 3 || !int.TryParse(parts[^2], NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
        {
            return false;
        }
        if (pid == Environment.ProcessId)
        {
            return false;
        }
        try
        {
            using var p = System.Diagnostics.Process.GetProcessById(pid);
            return p.HasExited;
        }
        catch (ArgumentException)
        {
            return true;
        }
    }
}
