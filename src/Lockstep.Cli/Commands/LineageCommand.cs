using System.CommandLine;
using System.Text.Json.Nodes;
using Lockstep.Lineage;
using Spectre.Console;

namespace Lockstep.Cli.Commands;

/// <summary><c>lockstep lineage ARTIFACT|RUN</c>: where an artifact came from and what was built from it.</summary>
internal static class LineageCommand
{
    public static Command Create()
    {
        var target = new Argument<string>("TARGET") { Description = "An artifact hash (or a prefix of 4+ hex digits), or a run id / 'last'" };
        var direction = new Option<string>("--direction") { Description = "up (what it was built from), down (what was built from it) or both", DefaultValueFactory = _ => "both" };
        direction.AcceptOnlyFromAmong("up", "down", "both");
        var command = new Command("lineage", "Trace an artifact back to every input and step that produced it, and forward to everything built from it; for a run, trace each of its outputs");
        command.Arguments.Add(target);
        command.Options.Add(direction);
        LockstepCli.SetAction(command, async (session, ct) =>
        {
            var store = await session.OpenStoreAsync(ct).ConfigureAwait(false);
            var service = new LineageService(store.Metadata);
            var text = session.Parse.GetValue(target)!;
            var dir = session.Parse.GetValue(direction)!;
            var hashes = new List<(string Label, Hashing.ContentHash Hash)>();
            var run = text == "last" || !Hashing.ContentHash.IsHexPrefix(text) || text.Contains('-', StringComparison.Ordinal)
                ? await store.Metadata.FindRunAsync(text, ct).ConfigureAwait(false)
                : null;
            if (run is not null)
            {
                foreach (var step in await store.Metadata.GetStepRunsAsync(run.Id, ct).ConfigureAwait(false))
                {
                    hashes.AddRange(step.Outputs.Select(o => ($"{step.StepId}.{o.Name}", o.Hash)));
                }
                dir = dir == "both" ? "up" : dir;
            }
            else
            {
                var hash = await service.ResolveAsync(text, ct).ConfigureAwait(false);
                hashes.Add((hash.Short, hash));
            }
            var json = new JsonArray();
            foreach (var (label, hash) in hashes)
            {
                var up = dir is "up" or "both" ? await service.UpstreamAsync(hash, ct).ConfigureAwait(false) : null;
                var down = dir is "down" or "both" ? await service.DownstreamAsync(hash, ct).ConfigureAwait(false) : null;
                if (session.Json)
                {
                    json.Add(new JsonObject { ["artifact"] = hash.Hex, ["label"] = label, ["upstream"] = up is null ? null : NodeJson(up), ["downstream"] = down is null ? null : NodeJson(down) });
                    continue;
                }
                if (up is not null)
                {
                    var tree = new Tree(Markup.Escape($"{label} {hash.Short} was built from"));
                    AddUp(tree, up);
                    session.Console.Write(tree);
                }
                if (down is not null)
                {
                    var tree = new Tree(Markup.Escape($"{label} {hash.Short} was used by"));
                    AddDown(tree, down);
                    if (down.ConsumedBy.Count == 0)
                    {
                        tree.AddNode("nothing yet");
                    }
                    session.Console.Write(tree);
                }
            }
            if (session.Json)
            {
                session.WriteJson(run is null ? json[0]!.DeepClone() : new JsonObject { ["run_id"] = run.Id, ["artifacts"] = json });
            }
            return 0;
        });
        return command;
    }

    private static void AddUp(IHasTreeNodes parent, LineageNode node)
    {
        if (node.ProducedBy is not { } step)
        {
            parent.AddNode(Markup.Escape($"external file ({Render.Bytes(node.Size)})"));
            return;
        }
        var stepNode = parent.AddNode(Markup.Escape($"step {step.StepId} ({step.StepType}) output '{step.Role}' in run {step.RunId}{(step.Cached ? " (cached)" : "")}"));
        foreach (var input in step.Artifacts)
        {
            var inputNode = stepNode.AddNode(Markup.Escape($"{input.Label} {input.Hash.Short}"));
            AddUp(inputNode, input);
        }
    }

    private static void AddDown(IHasTreeNodes parent, LineageNode node)
    {
        foreach (var step in node.ConsumedBy)
        {
            var stepNode = parent.AddNode(Markup.Escape($"step {step.StepId} ({step.StepType}) as input '{step.Role}' in run {step.RunId}"));
            foreach (var output in step.Artifacts)
            {
                var outputNode = stepNode.AddNode(Markup.Escape($"→ {output.Label} {output.Hash.Short}"));
                AddDown(outputNode, output);
            }
        }
    }

    private static JsonObject NodeJson(LineageNode node) => new()
    {
        ["hash"] = node.Hash.Hex,
        ["label"] = node.Label,
        ["size"] = node.Size,
        ["produced_by"] = node.ProducedBy is { } p ? StepJson(p) : null,
        ["consumed_by"] = new JsonArray(node.ConsumedBy.Select(c => (JsonNode)StepJson(c)).ToArray()),
    };

    private static JsonObject StepJson(LineageStep step) => new()
    {
        ["run_id"] = step.RunId,
        ["step"] = step.StepId,
        ["type"] = step.StepType,
        ["as"] = step.Role,
        ["cached"] = step.Cached,
        ["artifacts"] = new JsonArray(step.Artifacts.Select(a => (JsonNode)NodeJson(a)).ToArray()),
    };
}
