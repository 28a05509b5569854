using System.CommandLine;
using System.Text.Json.Nodes;
using Lockstep.Running;
using Spectre.Console;

namespace Lockstep.Cli.Commands;

/// <summary><c>lockstep diff RUN RUN</c>: configuration, data, code, environment, outputs and metrics that differ.</summary>
internal static class DiffCommand
{
    public static Command Create()
    {
        var a = new Argument<string>("RUN_A") { Description = "The earlier run (id, prefix or 'last')" };
        var b = new Argument<string>("RUN_B") { Description = "The later run" };
        var command = new Command("diff", "Say what differs between two runs: configuration, data (input hashes), code identity, environment, source, outputs and metrics");
        command.Arguments.Add(a);
        command.Arguments.Add(b);
        LockstepCli.SetAction(command, async (session, ct) =>
        {
            var store = await session.OpenStoreAsync(ct).ConfigureAwait(false);
            var ra = await RunsCommand.FindAsync(store.Metadata, session.Parse.GetValue(a)!, ct).ConfigureAwait(false);
            var rb = await RunsCommand.FindAsync(store.Metadata, session.Parse.GetValue(b)!, ct).ConfigureAwait(false);
            var diffs = RunDiff.Compare(
                ra, await store.Metadata.GetStepRunsAsync(ra.Id, ct).ConfigureAwait(false),
                rb, await store.Metadata.GetStepRunsAsync(rb.Id, ct).ConfigureAwait(false));
            if (session.Json)
            {
                session.WriteJson(new JsonObject
                {
                    ["run_a"] = ra.Id,
                    ["run_b"] = rb.Id,
                    ["identical"] = diffs.Count == 0,
                    ["differences"] = new JsonArray(diffs.Select(d => (JsonNode)new JsonObject { ["area"] = d.Area, ["what"] = d.What, ["a"] = d.Before, ["b"] = d.After }).ToArray()),
                });
                return 0;
            }
            if (diffs.Count == 0)
            {
                session.Out.WriteLine($"runs {ra.Id} and {rb.Id} have the same configuration, data, code, environment, outputs and metrics");
                return 0;
            }
            var table = new Table().Border(TableBorder.Simple).AddColumns("area", "what", ra.Id, rb.Id);
            foreach (var d in diffs)
            {
                table.AddRow(d.Area, Markup.Escape(d.What), Markup.Escape(d.Before ?? "—"), Markup.Escape(d.After ?? "—"));
            }
            session.Console.Write(table);
            return 0;
        });
        return command;
    }
}
