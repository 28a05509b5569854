using System.CommandLine;
using System.Text.Json.Nodes;
using Lockstep.Errors;
using Lockstep.Hashing;
using Lockstep.Lineage;
using Lockstep.Pipelines;
using Lockstep.Storage;
using Spectre.Console;

namespace Lockstep.Cli.Commands;

/// <summary>
/// <c>lockstep artifacts list|get</c>: the files a run produced, and a way to take one out of the
/// store (an evaluation report to open in a browser, a snapshot to read with another tool).
/// </summary>
internal static class ArtifactsCommand
{
    public static Command Create()
    {
        var command = new Command("artifacts", "List the artifacts a run produced and copy one out of the store");
        command.Subcommands.Add(List());
        command.Subcommands.Add(Get());
        return command;
    }

    private static Command List()
    {
        var run = new Argument<string>("RUN") { Description = "Run id, a unique prefix of one, or 'last'", DefaultValueFactory = _ => "last" };
        var command = new Command("list", "List every output of a run's steps (also what a failed step wrote before it failed)");
        command.Arguments.Add(run);
        LockstepCli.SetAction(command, async (session, ct) =>
        {
            var store = await session.OpenStoreAsync(ct).ConfigureAwait(false);
            var record = await RunsCommand.FindAsync(store.Metadata, session.Parse.GetValue(run)!, ct).ConfigureAwait(false);
            var steps = await store.Metadata.GetStepRunsAsync(record.Id, ct).ConfigureAwait(false);
            var rows = steps.SelectMany(s => s.Outputs.Select(o => (Step: s, Output: o))).ToList();
            if (session.Json)
            {
                session.WriteJson(new JsonObject
                {
                    ["run_id"] = record.Id,
                    ["artifacts"] = new JsonArray(rows.Select(r => (JsonNode)new JsonObject
                    {
                        ["name"] = $"{r.Step.StepId}.{r.Output.Name}",
                        ["hash"] = r.Output.Hash.Hex,
                        ["size"] = r.Output.Size,
                        ["step_status"] = r.Step.Status.ToString().ToLowerInvariant(),
                        ["cached"] = r.Step.Cached,
                    }).ToArray()),
                });
                return 0;
            }
            session.Out.WriteLine($"run {record.Id}: {rows.Count} artifact(s); copy one out with 'lockstep artifacts get STEP.OUTPUT -o FILE --run {record.Id[..Math.Min(8, record.Id.Length)]}'");
            var table = new Table().Border(TableBorder.Simple).AddColumns("artifact", "hash", "size", "step");
            foreach (var (step, output) in rows)
            {
                table.AddRow(Markup.Escape($"{step.StepId}.{output.Name}"), output.Hash.Short, Render.Bytes(output.Size), Render.StatusWord(step));
            }
            session.Console.Write(table);
            return 0;
        });
        return command;
    }

    private static Command Get()
    {
        var target = new Argument<string>("ARTIFACT") { Description = "STEP.OUTPUT of a run (see --run), or an artifact hash (or a prefix of 4+ hex digits)" };
        var output = new Option<string>("--output", "-o") { Description = "File to write ('-' for standard output)", Required = true };
        var run = new Option<string>("--run") { Description = "The run whose STEP.OUTPUT to take", DefaultValueFactory = _ => "last" };
        var force = new Option<bool>("--force") { Description = "Overwrite the output file if it exists" };
        var command = new Command("get", "Copy an artifact out of the store after checking its hash (e.g. an evaluation report: -o report.html)");
        command.Arguments.Add(target);
        command.Options.Add(output);
        command.Options.Add(run);
        command.Options.Add(force);
        LockstepCli.SetAction(command, async (session, ct) =>
        {
            var text = session.Parse.GetValue(target)!;
            var destination = session.Parse.GetValue(output)!;
            var store = await session.OpenStoreAsync(ct).ConfigureAwait(false);
            var (label, hash) = await ResolveAsync(store.Metadata, text, session.Parse.GetValue(run)!, ct).ConfigureAwait(false);
            if (!store.Objects.Exists(hash))
            {
                throw new LockstepException($"{label} ({hash.Short}) is recorded but its object is gone from the store (removed by gc, or damaged); re-run the step that makes it ('lockstep run --force STEP')");
            }
            var source = await store.Objects.GetVerifiedPathAsync(hash, ct).ConfigureAwait(false);
            if (destination == "-")
            {
                await using var stdout = Console.OpenStandardOutput();
                await using var input = File.OpenRead(source);
                await input.CopyToAsync(stdout, ct).ConfigureAwait(false);
                return 0;
            }
            var full = OutputFile.Check(destination, label.Replace('.', '-'));
            if (File.Exists(full) && !session.Parse.GetValue(force))
            {
                throw new ArgumentsException($"'{destination}' exists; pass --force to overwrite it, or choose another -o");
            }
            var folder = Path.GetDirectoryName(full)!;
            // Written beside the destination and renamed, so a reader never sees half a file.
            var temp = Path.Combine(folder, $".{Path.GetFileName(full)}.{Environment.ProcessId}.tmp");
            try
            {
                File.Copy(source, temp, overwrite: true);
                if (!OperatingSystem.IsWindows())
                {
                    // Stored objects are read-only; the user's copy is an ordinary file.
                    File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
                }
                File.Move(temp, full, overwrite: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                File.Delete(temp);
                throw new LockstepException($"cannot write '{destination}': {e.Message}");
            }
            var size = new FileInfo(full).Length;
            if (session.Json)
            {
                session.WriteJson(new JsonObject { ["artifact"] = label, ["hash"] = hash.Hex, ["size"] = size, ["path"] = full });
            }
            else
            {
                session.Out.WriteLine($"{label} ({hash.Short}, {Render.Bytes(size)}, hash checked) → {destination}");
            }
            return 0;
        });
        return command;
    }

    private static async Task<(string Label, ContentHash Hash)> ResolveAsync(IMetadataStore metadata, string text, string runId, CancellationToken ct)
    {
        var dot = text.IndexOf('.', StringComparison.Ordinal);
        if (dot > 0 && dot < text.Length - 1)
        {
            var record = await RunsCommand.FindAsync(metadata, runId, ct).ConfigureAwait(false);
            var steps = await metadata.GetStepRunsAsync(record.Id, ct).ConfigureAwait(false);
            var stepId = text[..dot];
            var name = text[(dot + 1)..];
            var step = steps.FirstOrDefault(s => s.StepId == stepId)
                ?? throw new ArgumentsException($"run {record.Id} has no step '{stepId}'.{Suggest.DidYouMean(stepId, steps.Select(s => s.StepId))} Its steps: {Suggest.List(steps.Select(s => s.StepId))}.");
            var found = step.Outputs.FirstOrDefault(o => o.Name == name);
            if (found is null)
            {
                throw step.Outputs.Count == 0
                    ? new ArgumentsException($"step '{stepId}' of run {record.Id} recorded no outputs ({step.Status.ToString().ToLowerInvariant()})")
                    : new ArgumentsException($"step '{stepId}' has no output '{name}'.{Suggest.DidYouMean(name, step.Outputs.Select(o => o.Name))} Its outputs: {Suggest.List(step.Outputs.Select(o => o.Name))}.");
            }
            return (text, found.Hash);
        }
        var hash = await new LineageService(metadata).ResolveAsync(text, ct).ConfigureAwait(false);
        return (hash.Short, hash);
    }
}
