using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Lockstep.Running;
using Lockstep.Stores.Sqlite;
using Lockstep.Workspaces;

namespace Lockstep.Cli.Commands;

/// <summary><c>lockstep init [DIR]</c>: a pipeline file (if there is none) and an empty store.</summary>
internal static class InitCommand
{
    public static Command Create()
    {
        var dir = new Argument<string?>("DIR") { Description = "Folder to make a workspace of (default: the current folder)", Arity = ArgumentArity.ZeroOrOne };
        var name = new Option<string?>("--name") { Description = "Pipeline name (default: the folder's name)" };
        var command = new Command("init", "Make a workspace: a lockstep.yaml pipeline (unless one exists) and an empty store in .lockstep/");
        command.Arguments.Add(dir);
        command.Options.Add(name);
        LockstepCli.SetAction(command, async (session, ct) =>
        {
            var root = Path.GetFullPath(session.Parse.GetValue(dir) ?? session.Parse.GetValue(GlobalOptions.Workspace) ?? ".");
            Directory.CreateDirectory(root);
            var workspace = Workspace.At(root);
            var created = false;
            if (!File.Exists(workspace.PipelinePath))
            {
                var pipelineName = session.Parse.GetValue(name) ?? Sanitize(Path.GetFileName(root));
                await File.WriteAllTextAsync(workspace.PipelinePath, Template(pipelineName, RunEnvironment.NewSeed()), ct).ConfigureAwait(false);
                created = true;
            }
            await using (var store = await EmbeddedStore.OpenAsync(workspace.StorePath, create: true, ct).ConfigureAwait(false))
            {
            }
            var gitignore = Path.Combine(root, ".gitignore");
            var ignoreLine = Workspace.StoreFolderName + "/";
            if (!File.Exists(gitignore) || !(await File.ReadAllLinesAsync(gitignore, ct).ConfigureAwait(false)).Contains(ignoreLine))
            {
                await File.AppendAllTextAsync(gitignore, ignoreLine + "\n", ct).ConfigureAwait(false);
            }
            if (session.Json)
            {
                session.WriteJson(new JsonObject { ["workspace"] = root, ["pipeline"] = workspace.PipelinePath, ["store"] = workspace.StorePath, ["created_pipeline"] = created });
            }
            else
            {
                session.Out.WriteLine(created ? $"created {workspace.PipelinePath}" : $"kept the existing {workspace.PipelinePath}");
                session.Out.WriteLine($"store ready at {workspace.StorePath}");
                session.Out.WriteLine("next: edit lockstep.yaml, then 'lockstep run'");
            }
            return 0;
        });
        return command;
    }

    private static string Sanitize(string name)
    {
        var clean = new string(name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '-').ToArray()).Trim('-');
        return clean.Length == 0 || !char.IsAsciiLetter(clean[0]) ? "pipeline" : clean;
    }

    private static string Template(string name, long seed) => $$"""
        # Lockstep pipeline. Steps run in dependency order; each output is stored by content hash and
        # reused while the step's code, parameters, inputs and environment stay the same.
        # 'lockstep steps' lists the step types and their parameters.
        version: 1
        name: {{name}}
        seed: {{seed.ToString(CultureInfo.InvariantCulture)}}          # every random draw derives from this; recorded with each run

        params:                # shared values; use them in a step as ${params.NAME}
          greeting: hello

        steps:
          - id: write
            type: command      # runs a shell command with declared input and output files
            outputs: [message]
            params:
              run: echo "${params.greeting} from Lockstep" > ${outputs.message}

          - id: shout
            type: command
            inputs:
              text: write.message          # the output 'message' of step 'write'
            outputs: [loud]
            params:
              run: tr a-z A-Z < ${inputs.text} > ${outputs.loud}

        """;
}
