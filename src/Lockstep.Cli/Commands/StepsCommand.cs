using System.CommandLine;
using System.Text.Json.Nodes;
using Lockstep.Pipelines;
using Spectre.Console;

namespace Lockstep.Cli.Commands;

/// <summary><c>lockstep steps</c>: the step types a pipeline can use, with their parameters.</summary>
internal static class StepsCommand
{
    public static Command Create()
    {
        var command = new Command("steps", "List the step types a pipeline can use (built-in and from the workspace's plugins) with their inputs, outputs and parameters");
        LockstepCli.SetAction(command, async (session, ct) =>
        {
            PipelineDefinition? pipeline = null;
            string root = Directory.GetCurrentDirectory();
            try
            {
                var ws = session.Workspace;
                root = ws.Root;
                pipeline = await PipelineLoader.LoadFileAsync(ws.PipelinePath, ct).ConfigureAwait(false);
            }
            catch (Errors.LockstepException)
            {
                // Outside a workspace, or its pipeline is broken: list the built-in types.
            }
            var registry = CliSession.Registry(pipeline, root);
            var types = registry.Types.OrderBy(t => t.Signature.Type, StringComparer.Ordinal).ToList();
            if (session.Json)
            {
                session.WriteJson(new JsonArray(types.Select(t => (JsonNode)new JsonObject
                {
                    ["type"] = t.Signature.Type,
                    ["description"] = t.Signature.Description,
                    ["deterministic"] = t.Signature.Deterministic,
                    ["uses_seed"] = t.Signature.UsesSeed,
                    ["inputs"] = new JsonArray(t.Signature.Inputs.Select(i => (JsonNode)new JsonObject { ["name"] = i.Name, ["required"] = i.Required, ["description"] = i.Description }).ToArray()),
                    ["outputs"] = new JsonArray(t.Signature.Outputs.Select(o => (JsonNode)new JsonObject { ["name"] = o.Name, ["description"] = o.Description }).ToArray()),
                    ["params"] = new JsonArray(t.Signature.Parameters.Select(p => (JsonNode)new JsonObject
                    {
                        ["name"] = p.Name,
                        ["kind"] = p.Kind.ToString().ToLowerInvariant(),
                        ["required"] = p.Required,
                        ["default"] = p.Default?.DeepClone(),
                        ["description"] = p.Description,
                    }).ToArray()),
                }).ToArray()));
                return 0;
            }
            foreach (var t in types)
            {
                var s = t.Signature;
                session.Console.Write(new Rule(Markup.Escape($"{s.Type}: {s.Description}")).LeftJustified());
                var table = new Table().Border(TableBorder.Simple).AddColumns("", "name", "kind", "default", "description");
                foreach (var i in s.Inputs)
                {
                    table.AddRow("input", Markup.Escape(i.Name), i.Required ? "required" : "optional", "", Markup.Escape(i.Description));
                }
                if (s.AnyInputs)
                {
                    table.AddRow("input", "(any)", "", "", "name inputs freely under 'inputs:'");
                }
                foreach (var o in s.Outputs)
                {
                    table.AddRow("output", Markup.Escape(o.Name), "", "", Markup.Escape(o.Description));
                }
                if (s.DeclaredOutputs)
                {
                    table.AddRow("output", "(declared)", "", "", "list them under 'outputs:'");
                }
                foreach (var p in s.Parameters)
                {
                    table.AddRow("param", Markup.Escape(p.Name), p.Kind.ToString().ToLowerInvariant() + (p.Required ? ", required" : ""),
                        Markup.Escape(p.Default?.ToJsonString() ?? ""), Markup.Escape(p.Description));
                }
                session.Console.Write(table);
            }
            return 0;
        });
        return command;
    }
}
