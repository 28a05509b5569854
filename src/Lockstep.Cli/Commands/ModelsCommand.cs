using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Lockstep.Errors;
using Lockstep.Running;
using Lockstep.Serving.Registry;
using Lockstep.Storage;
using Spectre.Console;

namespace Lockstep.Cli.Commands;

/// <summary><c>lockstep models list | show | alias | rollback</c>: the model registry.</summary>
internal static class ModelsCommand
{
    public static Command Create()
    {
        var command = new Command("models", "The model registry: named models, numbered versions, movable aliases and their history");
        command.Subcommands.Add(List());
        command.Subcommands.Add(Show());
        command.Subcommands.Add(Alias());
        command.Subcommands.Add(RollbackCommand());
        return command;
    }

    private static Command List()
    {
        var command = new Command("list", "List registered models with their latest version and aliases");
        LockstepCli.SetAction(command, async (session, ct) =>
        {
            var store = await session.OpenStoreAsync(ct).ConfigureAwait(false);
            var models = await store.Models.ListModelsAsync(ct).ConfigureAwait(false);
            if (session.Json)
            {
                session.WriteJson(new JsonArray(models.Select(m => (JsonNode)new JsonObject
                {
                    ["name"] = m.Name,
                    ["latest_version"] = m.LatestVersion,
                    ["versions"] = m.VersionCount,
                    ["aliases"] = new JsonObject(m.Aliases.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => KeyValuePair.Create(a.Key, (JsonNode?)a.Value))),
                }).ToArray()));
                return 0;
            }
            if (models.Count == 0)
            {
                session.Out.WriteLine("no models registered: a pipeline's register step adds versions");
                return 0;
            }
            var table = new Table().Border(TableBorder.Simple).AddColumns("model", "latest", "versions", "aliases");
            foreach (var m in models)
            {
                table.AddRow(Markup.Escape(m.Name), m.LatestVersion.ToString(CultureInfo.InvariantCulture), m.VersionCount.ToString(CultureInfo.InvariantCulture),
                    Markup.Escape(string.Join(", ", m.Aliases.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => $"{a.Key} → {a.Value}"))));
            }
            session.Console.Write(table);
            return 0;
        });
        return command;
    }

    private static Command Show()
    {
        var reference = new Argument<string>("MODEL") { Description = "NAME (every version), NAME@VERSION or NAME@ALIAS" };
        var command = new Command("show", "Show a model's versions (or one version) and the history of its aliases");
        command.Arguments.Add(reference);
        LockstepCli.SetAction(command, async (session, ct) =>
        {
            var store = await session.OpenStoreAsync(ct).ConfigureAwait(false);
            var text = session.Parse.GetValue(reference)!;
            var parsed = Parse(text);
            IReadOnlyList<ModelVersion> versions = parsed.Version is null && parsed.Alias is null
                ? await store.Models.ListVersionsAsync(parsed.Name, ct).ConfigureAwait(false)
                : (await store.Models.FindAsync(parsed, ct).ConfigureAwait(false)) is { } one ? [one] : [];
            if (versions.Count == 0)
            {
                throw new LockstepException($"the registry has no {parsed}; 'lockstep models list' shows what there is");
            }
            var history = await store.Models.AliasHistoryAsync(parsed.Name, parsed.Alias, ct).ConfigureAwait(false);
            if (session.Json)
            {
                session.WriteJson(new JsonObject
                {
                    ["name"] = parsed.Name,
                    ["versions"] = new JsonArray(versions.Select(v => (JsonNode)VersionJson(v)).ToArray()),
                    ["alias_history"] = new JsonArray(history.Select(h => (JsonNode)MoveJson(h)).ToArray()),
                });
                return 0;
            }
            var table = new Table().Border(TableBorder.Simple).AddColumns("version", "aliases", "bundle", "run", "registered", "by", "metrics");
            foreach (var v in versions)
            {
                table.AddRow(v.Version.ToString(CultureInfo.InvariantCulture), Markup.Escape(string.Join(", ", v.Aliases)), v.BundleHash.Short, Markup.Escape(v.RunId),
                    Render.Time(v.RegisteredAt), Markup.Escape(v.RegisteredBy), Markup.Escape(MetricsLine(v.MetricsJson)));
            }
            session.Console.Write(table);
            if (history.Count > 0)
            {
                var moves = new Table().Border(TableBorder.Simple).AddColumns("alias", "from", "to", "when", "who", "why");
                foreach (var h in history)
                {
                    moves.AddRow(Markup.Escape(h.Alias), h.FromVersion?.ToString(CultureInfo.InvariantCulture) ?? "-", h.ToVersion?.ToString(CultureInfo.InvariantCulture) ?? "(removed)",
                        Render.Time(h.MovedAt), Markup.Escape(h.MovedBy), Markup.Escape(h.Reason ?? ""));
                }
                session.Out.WriteLine("alias history:");
                session.Console.Write(moves);
            }
            return 0;
        });
        return command;
    }

    private static Command Alias()
    {
        var name = new Argument<string>("NAME") { Description = "Model name" };
        var version = new Argument<int>("VERSION") { Description = "Version the alias should point at" };
        var alias = new Argument<string>("ALIAS") { Description = "Alias to move (e.g. production, staging)" };
        var reason = new Option<string?>("--reason", "-m") { Description = "Why (recorded with the move)" };
        var gate = new Option<string?>("--gate") { Description = "Move only if VERSION's metric is at least as good as the current holder's (e.g. --gate auc)" };
        var margin = new Option<double>("--margin") { Description = "How much worse than the holder the gate still accepts", DefaultValueFactory = _ => 0 };
        var command = new Command("alias", "Point an alias at a version (recorded: who, when, from, to, why), optionally gated against the current holder");
        command.Arguments.Add(name);
        command.Arguments.Add(version);
        command.Arguments.Add(alias);
        command.Options.Add(reason);
        command.Options.Add(gate);
        command.Options.Add(margin);
        LockstepCli.SetAction(command, async (session, ct) =>
        {
            var p = session.Parse;
            var n = p.GetValue(name)!;
            var a = p.GetValue(alias)!;
            if (!ModelReference.IsValidAlias(a))
            {
                throw new ArgumentsException($"'{a}' cannot be an alias: start with a letter, then letters, digits, '.', '_' or '-'");
            }
            var store = await session.OpenStoreAsync(ct).ConfigureAwait(false);
            var candidate = await store.Models.FindAsync(new ModelReference(n, p.GetValue(version), null), ct).ConfigureAwait(false)
                ?? throw new LockstepException($"the registry has no {n}@{p.GetValue(version)}; 'lockstep models show {n}' lists its versions");
            AliasGateResult? verdict = null;
            if (p.GetValue(gate) is { } metric)
            {
                var holder = await store.Models.FindAsync(new ModelReference(n, null, a), ct).ConfigureAwait(false);
                verdict = AliasGate.Check(candidate, holder, metric, p.GetValue(margin));
                if (!verdict.Passed)
                {
                    throw new LockstepException($"the gate refused moving {n}@{a} to version {candidate.Version}: {verdict.Detail}. Nothing was moved.");
                }
            }
            var why = p.GetValue(reason) ?? (verdict is null ? null : "gate passed: " + verdict.Detail);
            var move = await store.Models.MoveAliasAsync(n, a, candidate.Version, RunEnvironment.User(), why, ct).ConfigureAwait(false);
            return Report(session, move, verdict);
        });
        return command;
    }

    private static Command RollbackCommand()
    {
        var name = new Argument<string>("NAME") { Description = "Model name" };
        var alias = new Argument<string>("ALIAS") { Description = "Alias to move back to where it pointed before its latest move" };
        var reason = new Option<string?>("--reason", "-m") { Description = "Why (recorded with the move)" };
        var command = new Command("rollback", "Move an alias back to the version it held before its latest move");
        command.Arguments.Add(name);
        command.Arguments.Add(alias);
        command.Options.Add(reason);
        LockstepCli.SetAction(command, async (session, ct) =>
        {
            var p = session.Parse;
            var store = await session.OpenStoreAsync(ct).ConfigureAwait(false);
            var n = p.GetValue(name)!;
            var a = p.GetValue(alias)!;
            var previous = await Rollback.PreviousVersionAsync(store.Models, n, a, ct).ConfigureAwait(false);
            var move = await store.Models.MoveAliasAsync(n, a, previous, RunEnvironment.User(), p.GetValue(reason) ?? "rollback", ct).ConfigureAwait(false);
            return Report(session, move, null);
        });
        return command;
    }

    private static int Report(CliSession session, AliasMove move, AliasGateResult? verdict)
    {
        if (session.Json)
        {
            var doc = MoveJson(move);
            doc["gate"] = verdict?.Detail;
            session.WriteJson(doc);
        }
        else
        {
            session.Out.WriteLine($"{move.Name}@{move.Alias}: {(move.FromVersion is { } f ? $"version {f}" : "(new)")} → version {move.ToVersion}" + (move.Reason is null ? "" : $" ({move.Reason})"));
            session.Out.WriteLine("servers following this alias swap to it at their next poll");
        }
        return 0;
    }

    private static ModelReference Parse(string text) =>
        ModelReference.TryParse(text, out var r) ? r : throw new ArgumentsException($"'{text}' is not a model reference; write NAME, NAME@VERSION or NAME@ALIAS");

    private static string MetricsLine(string json)
    {
        try
        {
            return JsonNode.Parse(json) is JsonObject o
                ? string.Join(" ", o.Where(kv => kv.Value is JsonValue).Take(4).Select(kv => $"{kv.Key}={kv.Value!.ToJsonString()}"))
                : "";
        }
        catch (System.Text.Json.JsonException)
        {
            return "";
        }
    }

    private static JsonObject VersionJson(ModelVersion v) => new()
    {
        ["version"] = v.Version,
        ["aliases"] = new JsonArray(v.Aliases.Select(a => (JsonNode)a).ToArray()),
        ["bundle_hash"] = v.BundleHash.Hex,
        ["run_id"] = v.RunId,
        ["step_id"] = v.StepId,
        ["registered_at"] = v.RegisteredAt,
        ["registered_by"] = v.RegisteredBy,
        ["lineage"] = JsonNode.Parse(v.LineageJson),
        ["metrics"] = JsonNode.Parse(v.MetricsJson),
    };

    private static JsonObject MoveJson(AliasMove m) => new()
    {
        ["name"] = m.Name,
        ["alias"] = m.Alias,
        ["from_version"] = m.FromVersion,
        ["to_version"] = m.ToVersion,
        ["moved_by"] = m.MovedBy,
        ["moved_at"] = m.MovedAt,
        ["reason"] = m.Reason,
    };
}
