using System.CommandLine;
using System.Text.Json.Nodes;
using Lockstep.Errors;
using Lockstep.Storage;
using Spectre.Console;

namespace Lockstep.Cli.Commands;

/// <summary><c>lockstep runs list</c> and <c>lockstep runs show RUN</c>.</summary>
internal static class RunsCommand
{
    public static Command Create()
    {
        var command = new Command("runs", "List recorded runs and show one in full");
        command.Subcommands.Add(List());
        command.Subcommands.Add(Show());
        return command;
    }

    private static Command List()
    {
        var limit = new Option<int>("--limit", "-n") { Description = "How many runs, newest first", DefaultValueFactory = _ => 20 };
        var command = new Command("list", "List recorded runs, newest first");
        command.Options.Add(limit);
        LockstepCli.SetAction(command, async (session, ct) =>
        {
            var count = ArgumentsException.AtLeast("--limit", session.Parse.GetValue(limit), 1);
            var store = await session.OpenStoreAsync(ct).ConfigureAwait(false);
            var runs = await store.Metadata.ListRunsAsync(count, ct).ConfigureAwait(false);
            if (session.Json)
            {
                session.WriteJson(new JsonArray(runs.Select(r => (JsonNode)Summary(r)).ToArray()));
                return 0;
            }
            if (runs.Count == 0)
            {
                session.Out.WriteLine("no runs yet: 'lockstep run' runs the pipeline");
                return 0;
            }
            var table = new Table().Border(TableBorder.Simple).AddColumns("run", "pipeline", "kind", "status", "started", "took", "who");
            foreach (var r in runs)
            {
                table.AddRow(r.Id, Markup.Escape(r.Pipeline), r.Kind + (r.Reproduces is null ? "" : $" of {r.Reproduces}"), r.Status.ToString().ToLowerInvariant(),
                    Render.Time(r.StartedAt), r.FinishedAt is { } f ? Render.Seconds((f - r.StartedAt).TotalMilliseconds) : "-", Markup.Escape($"{r.User}@{r.Host}"));
            }
            session.Console.Write(table);
            return 0;
        });
        return command;
    }

    private static Command Show()
    {
        var run = new Argument<string>("RUN") { Description = "Run id, a unique prefix of one, or 'last'" };
        var log = new Option<string?>("--log") { Description = "Print the log of this step instead of the summary" };
        var command = new Command("show", "Show a run: who, when, where, source revision, seed, configuration and each step's inputs, outputs, timings, cache decision and metrics");
        command.Arguments.Add(run);
        command.Options.Add(log);
        LockstepCli.SetAction(command, async (session, ct) =>
        {
            var store = await session.OpenStoreAsync(ct).ConfigureAwait(false);
            var record = await FindAsync(store.Metadata, session.Parse.GetValue(run)!, ct).ConfigureAwait(false);
            var steps = await store.Metadata.GetStepRunsAsync(record.Id, ct).ConfigureAwait(false);
            if (session.Parse.GetValue(log) is { } stepId)
            {
                var step = steps.FirstOrDefault(s => s.StepId == stepId)
                    ?? throw new LockstepException($"run {record.Id} has no step '{stepId}'; its steps: {string.Join(", ", steps.Select(s => s.StepId))}");
                if (session.Json)
                {
                    session.WriteJson(new JsonObject { ["run_id"] = record.Id, ["step"] = stepId, ["log"] = step.Log });
                }
                else
                {
                    session.Out.Write(step.Log);
                }
                return 0;
            }
            if (session.Json)
            {
                var doc = Summary(record);
                // The process that recorded the run: the command's own, or the resident process that answered it (docs/resident.md).
                doc["process_id"] = record.ProcessId;
                doc["config"] = JsonNode.Parse(record.ConfigJson);
                doc["environment"] = JsonNode.Parse(record.EnvironmentJson);
                doc["source"] = JsonNode.Parse(record.SourceJson);
                doc["steps"] = new JsonArray(steps.Select(s => (JsonNode)RunCommand.StepJson(s)).ToArray());
                session.WriteJson(doc);
                return 0;
            }
            var env = JsonNode.Parse(record.EnvironmentJson)!;
            var source = JsonNode.Parse(record.SourceJson)!;
            var grid = new Grid().AddColumn().AddColumn();
            void Row(string k, string v) => grid.AddRow(new Text(k), new Text(v));
            Row("run", record.Id + (record.Reproduces is null ? "" : $" (reproduces {record.Reproduces})"));
            Row("pipeline", record.Pipeline);
            Row("status", record.Status.ToString().ToLowerInvariant() + (record.Error is null ? "" : $": {record.Error}"));
            Row("started", Render.Time(record.StartedAt) + (record.FinishedAt is { } f ? $", took {Render.Seconds((f - record.StartedAt).TotalMilliseconds)}" : ""));
            Row("who", $"{record.User}@{record.Host} (pid {record.ProcessId})");
            Row("seed", record.Seed + (record.SeedGenerated ? " (generated: the pipeline declares none)" : ""));
            Row("source", source["vcs"]?.GetValue<string>() == "git"
                ? $"git {source["revision"]} on {source["branch"]}{(source["dirty"]?.GetValue<bool>() == true ? " with uncommitted changes" : ", clean")}"
                : "not in a version-controlled folder");
            Row("runtime", $"{env["runtime"]} on {env["os"]}/{env["arch"]}, Lockstep {env["lockstep"]}");
            Row("workspace", record.WorkspacePath);
            session.Console.Write(grid);
            var table = new Table().Border(TableBorder.Simple).AddColumns("step", "type", "status", "time", "inputs", "outputs", "metrics", "why");
            foreach (var s in steps)
            {
                table.AddRow(
                    Markup.Escape(s.StepId), Markup.Escape(s.Type), Render.StatusWord(s), Render.Seconds(s.DurationMs),
                    Markup.Escape(string.Join("\n", s.Inputs.Select(i => $"{i.Name} {i.Hash.Short} ← {i.Source}"))),
                    Markup.Escape(string.Join("\n", s.Outputs.Select(o => $"{o.Name} {o.Hash.Short} {Render.Bytes(o.Size)}"))),
                    Markup.Escape(string.Join("\n", s.Metrics.OrderBy(m => m.Key, StringComparer.Ordinal).Select(m => $"{m.Key}={Render.Num(m.Value)}"))),
                    Markup.Escape(s.Error ?? s.CacheReason));
            }
            session.Console.Write(table);
            return 0;
        });
        return command;
    }

    internal static async Task<RunRecord> FindAsync(IMetadataStore metadata, string id, CancellationToken ct) =>
        await metadata.FindRunAsync(id, ct).ConfigureAwait(false)
        ?? throw new LockstepException($"no run '{id}' in this store; 'lockstep runs list' shows the runs");

    internal static JsonObject Summary(RunRecord r) => new()
    {
        ["run_id"] = r.Id,
        ["pipeline"] = r.Pipeline,
        ["kind"] = r.Kind,
        ["reproduces"] = r.Reproduces,
        ["status"] = r.Status.ToString().ToLowerInvariant(),
        ["started_at"] = r.StartedAt,
        ["finished_at"] = r.FinishedAt,
        ["user"] = r.User,
        ["host"] = r.Host,
        ["seed"] = r.Seed,
        ["seed_generated"] = r.SeedGenerated,
        ["error"] = r.Error,
    };
}
