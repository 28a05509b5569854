using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Lockstep.Data.Diff;
using Lockstep.Data.Reports;
using Lockstep.Data.Schemas;
using Lockstep.Data.Statistics;
using Spectre.Console;

namespace Lockstep.Cli.Commands;

/// <summary><c>lockstep data list | show | diff | schema</c>: the dataset catalogue and snapshot statistics.</summary>
internal static class DataCommand
{
    public static Command Create()
    {
        var command = new Command("data", "Catalogued dataset snapshots: list them, show statistics, compare two, infer a schema");
        command.Subcommands.Add(List());
        command.Subcommands.Add(Show());
        command.Subcommands.Add(DiffCommand());
        command.Subcommands.Add(Schema());
        return command;
    }

    private static Command List()
    {
        var name = new Argument<string?>("NAME") { Description = "Show every version of this dataset", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("list", "List datasets (latest versions), or every version of one");
        command.Arguments.Add(name);
        LockstepCli.SetAction(command, async (session, ct) =>
        {
            var store = await session.OpenStoreAsync(ct).ConfigureAwait(false);
            var only = session.Parse.GetValue(name);
            var entries = only is null
                ? await store.Datasets.ListLatestAsync(ct).ConfigureAwait(false)
                : await store.Datasets.ListVersionsAsync(only, ct).ConfigureAwait(false);
            if (session.Json)
            {
                session.WriteJson(new JsonArray(entries.Select(e => (JsonNode)new JsonObject
                {
                    ["name"] = e.Name,
                    ["version"] = e.Version,
                    ["snapshot"] = e.Snapshot.Hex,
                    ["statistics"] = e.Statistics.Hex,
                    ["rows"] = e.Rows,
                    ["columns"] = e.Columns,
                    ["source"] = e.Source,
                    ["run"] = e.RunId,
                    ["step"] = e.StepId,
                    ["created_at"] = e.CreatedAt.ToString("O", CultureInfo.InvariantCulture),
                }).ToArray()));
                return 0;
            }
            if (entries.Count == 0)
            {
                session.Out.WriteLine(only is null
                    ? "no datasets yet: give an ingest step 'name: NAME' and run the pipeline"
                    : $"no dataset '{only}'; 'lockstep data list' shows the names");
                return only is null ? 0 : 1;
            }
            var table = new Table().Border(TableBorder.Simple).AddColumns("dataset", "rows", "columns", "snapshot", "source", "created", "run");
            foreach (var e in entries)
            {
                table.AddRow(Markup.Escape(e.ToString()), e.Rows.ToString("N0", CultureInfo.InvariantCulture), e.Columns.ToString(CultureInfo.InvariantCulture),
                    e.Snapshot.Short, Markup.Escape(e.Source), Render.Time(e.CreatedAt), Markup.Escape(e.RunId ?? "-"));
            }
            session.Console.Write(table);
            return 0;
        });
        return command;
    }

    private static Command Show()
    {
        var target = new Argument<string>("DATASET") { Description = "NAME, NAME@VERSION or a snapshot file" };
        var html = new Option<string?>("--html") { Description = "Also write the statistics as an HTML report with plots to this file" };
        var command = new Command("show", "Show a dataset's statistics per column (and write an HTML report with --html)");
        command.Arguments.Add(target);
        command.Options.Add(html);
        LockstepCli.SetAction(command, async (session, ct) =>
        {
            var (label, stats, entry, _) = await DatasetReference.ResolveAsync(session, session.Parse.GetValue(target)!, ct).ConfigureAwait(false);
            if (session.Parse.GetValue(html) is { } htmlPath)
            {
                await File.WriteAllTextAsync(htmlPath, HtmlReport.Render(label, stats), ct).ConfigureAwait(false);
            }
            if (session.Json)
            {
                var node = JsonNode.Parse(stats.ToJson())!.AsObject();
                node["dataset"] = label;
                node["snapshot"] = entry?.Snapshot.Hex;
                session.WriteJson(node);
                return 0;
            }
            session.Out.WriteLine($"{label}: {stats.RowCount:N0} rows × {stats.Columns.Count} columns" + (entry is null ? "" : $", snapshot {entry.Snapshot.Short}, from {entry.Source}"));
            var table = new Table().Border(TableBorder.Simple).AddColumns("column", "type", "missing", "distinct", "min", "median", "max", "mean", "top values");
            foreach (var c in stats.Columns)
            {
                table.AddRow(Markup.Escape(c.Name), c.Type,
                    c.Missing == 0 ? "0" : $"{c.Missing:N0} ({c.MissingRate.ToString("P1", CultureInfo.InvariantCulture)})",
                    (c.DistinctAtLeast ? "≥" : "") + c.Distinct.ToString("N0", CultureInfo.InvariantCulture),
                    N(c.Min), N(c.Quantiles?.GetValueOrDefault("0.5")), N(c.Max), N(c.Mean),
                    Markup.Escape(string.Join(", ", (c.Top ?? []).Take(3).Select(t => $"{Cut(t.Value)} ({t.Count:N0})"))));
            }
            session.Console.Write(table);
            if (session.Parse.GetValue(html) is { } written)
            {
                session.Out.WriteLine($"wrote {written}");
            }
            return 0;
        });
        return command;
    }

    private static Command DiffCommand()
    {
        var a = new Argument<string>("A") { Description = "NAME@VERSION or snapshot file (before)" };
        var b = new Argument<string>("B") { Description = "NAME@VERSION or snapshot file (after)" };
        var top = new Option<int>("--top") { Description = "How many of the largest shifts to list", DefaultValueFactory = _ => 15 };
        var command = new Command("diff", "Compare two snapshots: columns added, removed or retyped, row counts and the largest statistical shifts");
        command.Arguments.Add(a);
        command.Arguments.Add(b);
        command.Options.Add(top);
        LockstepCli.SetAction(command, async (session, ct) =>
        {
            var most = ArgumentsException.AtLeast("--top", session.Parse.GetValue(top), 1);
            var before = await DatasetReference.ResolveAsync(session, session.Parse.GetValue(a)!, ct).ConfigureAwait(false);
            var after = await DatasetReference.ResolveAsync(session, session.Parse.GetValue(b)!, ct).ConfigureAwait(false);
            var diff = DatasetDiff.Compute(before.Stats, after.Stats);
            var shifts = diff.Shifts.Where(s => s.Score > 0).Take(most).ToArray();
            if (session.Json)
            {
                session.WriteJson(new JsonObject
                {
                    ["a"] = before.Label,
                    ["b"] = after.Label,
                    ["rows"] = new JsonObject { ["a"] = diff.RowsBefore, ["b"] = diff.RowsAfter },
                    ["added"] = new JsonArray(diff.Added.Select(x => (JsonNode)x).ToArray()),
                    ["removed"] = new JsonArray(diff.Removed.Select(x => (JsonNode)x).ToArray()),
                    ["retyped"] = new JsonArray(diff.Retyped.Select(r => (JsonNode)new JsonObject { ["column"] = r.Column, ["a"] = r.Before, ["b"] = r.After }).ToArray()),
                    ["shifts"] = new JsonArray(shifts.Select(s => (JsonNode)new JsonObject { ["column"] = s.Column, ["measure"] = s.Measure, ["a"] = s.Before, ["b"] = s.After, ["score"] = s.Score }).ToArray()),
                    ["identical"] = diff.Identical,
                });
                return 0;
            }
            session.Out.WriteLine($"{before.Label} → {after.Label}: rows {diff.RowsBefore:N0} → {diff.RowsAfter:N0}");
            foreach (var x in diff.Added)
            {
                session.Out.WriteLine($"  + column {x}");
            }
            foreach (var x in diff.Removed)
            {
                session.Out.WriteLine($"  - column {x}");
            }
            foreach (var (col, t1, t2) in diff.Retyped)
            {
                session.Out.WriteLine($"  ~ column {col}: {t1} → {t2}");
            }
            if (diff.Identical)
            {
                session.Out.WriteLine("  no differences in the statistics");
                return 0;
            }
            if (shifts.Length > 0)
            {
                var table = new Table().Border(TableBorder.Simple).AddColumns("column", "measure", "before", "after", "shift");
                foreach (var s in shifts)
                {
                    table.AddRow(Markup.Escape(s.Column), Markup.Escape(s.Measure), Markup.Escape(s.Before), Markup.Escape(s.After), s.Score.ToString("0.###", CultureInfo.InvariantCulture));
                }
                session.Console.Write(table);
            }
            return 0;
        });
        return command;
    }

    private static Command Schema()
    {
        var target = new Argument<string>("DATASET") { Description = "NAME, NAME@VERSION or a snapshot file" };
        var label = new Option<string?>("--label") { Description = "The label column" };
        var output = new Option<string?>("--output", "-o") { Description = "Write the YAML to this file instead of stdout" };
        var command = new Command("schema", "Infer a schema with expectations (types, missing values, ranges, categories) from a snapshot, as YAML to edit and declare");
        command.Arguments.Add(target);
        command.Options.Add(label);
        command.Options.Add(output);
        LockstepCli.SetAction(command, async (session, ct) =>
        {
            if (session.Parse.GetValue(output) is { } destination)
            {
                OutputFile.Check(destination);
            }
            var (_, stats, _, _) = await DatasetReference.ResolveAsync(session, session.Parse.GetValue(target)!, ct).ConfigureAwait(false);
            var yaml = DatasetSchema.Infer(stats, session.Parse.GetValue(label)).ToYaml();
            if (session.Parse.GetValue(output) is { } path)
            {
                await File.WriteAllTextAsync(path, yaml, ct).ConfigureAwait(false);
                session.Out.WriteLine($"wrote {path}");
            }
            else
            {
                session.Out.Write(yaml);
            }
            return 0;
        });
        return command;
    }

    private static string N(double? v) => v is { } d ? d.ToString(Math.Abs(d) >= 1e7 ? "0.###e+0" : "0.####", CultureInfo.InvariantCulture) : "";

    private static string Cut(string s) => s.Length > 20 ? s[..19] + "…" : s;
}
