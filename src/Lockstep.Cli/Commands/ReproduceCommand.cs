using System.CommandLine;
using System.Text.Json.Nodes;
using Lockstep.Running;
using Spectre.Console;

namespace Lockstep.Cli.Commands;

/// <summary><c>lockstep reproduce RUN</c>: re-execute a run from its records and prove every artifact bit-identical.</summary>
internal static class ReproduceCommand
{
    /// <summary>Exit code when the re-execution diverged.</summary>
    public const int Diverged = 4;

    public static Command Create()
    {
        var run = new Argument<string>("RUN") { Description = "The run to reproduce (id, prefix or 'last')" };
        var command = new Command("reproduce", "Re-execute a recorded run from its recorded inputs, configuration and seed, ignoring the cache, and compare every artifact's hash with the original; exit 0 only if all are identical (steps whose type declares itself nondeterministic, and what only they feed, are reported, not compared)");
        command.Arguments.Add(run);
        LockstepCli.SetAction(command, async (session, ct) =>
        {
            var store = await session.OpenStoreAsync(ct).ConfigureAwait(false);
            var registry = Lockstep.Cli.BuiltInSteps.Create();
            var reproducer = new Reproducer(store, registry);
            var options = new RunOptions { Observer = session.Json || session.Interactive ? null : new LineProgress(session.Out) };
            session.WaitForSpectre();
            var report = await reproducer.ReproduceAsync(session.Parse.GetValue(run)!, options, ct).ConfigureAwait(false);
            if (session.Json)
            {
                session.WriteJson(new JsonObject
                {
                    ["run_id"] = report.OriginalRunId,
                    ["reproduction_run_id"] = report.ReproductionRunId,
                    ["identical"] = report.Identical,
                    ["first_diverged_step"] = report.FirstDivergedStep,
                    ["cause"] = report.CauseKind,
                    ["explanation"] = report.Cause,
                    ["steps"] = new JsonArray(report.Steps.Select(s => (JsonNode)new JsonObject
                    {
                        ["id"] = s.StepId,
                        ["type"] = s.Type,
                        ["identical"] = s.Identical,
                        ["compared"] = s.Compared,
                        ["cause"] = s.Cause,
                        ["outputs"] = new JsonArray(s.Outputs.Select(o => (JsonNode)new JsonObject { ["name"] = o.Name, ["original"] = o.Original.Hex, ["reproduced"] = o.Reproduced?.Hex, ["identical"] = o.Identical }).ToArray()),
                    }).ToArray()),
                });
            }
            else
            {
                var table = new Table().Border(TableBorder.Simple).AddColumns("step", "identical", "outputs (original → reproduced)", "cause");
                foreach (var s in report.Steps)
                {
                    table.AddRow(Markup.Escape(s.StepId), s.Identical ? "yes" : s.Compared ? "NO" : "differs (not compared)",
                        Markup.Escape(string.Join("\n", s.Outputs.Select(o => $"{o.Name} {o.Original.Short} → {o.Reproduced?.Short ?? "none"}"))),
                        Markup.Escape(s.Cause ?? ""));
                }
                session.Console.Write(table);
                session.Out.WriteLine(report.Identical
                    ? $"reproduced run {report.OriginalRunId} as {report.ReproductionRunId}: every artifact is bit-identical"
                      + (report.Steps.Any(s => !s.Compared && !s.Identical) ? $", except what is not compared: {string.Join(", ", report.Steps.Where(s => !s.Compared && !s.Identical).Select(s => $"'{s.StepId}'"))} (see the table)" : "")
                    : $"run {report.OriginalRunId} did NOT reproduce: step '{report.FirstDivergedStep}' diverged first; likely cause: {report.CauseKind} — {report.Cause}");
            }
            return report.Identical ? 0 : Diverged;
        });
        return command;
    }
}
