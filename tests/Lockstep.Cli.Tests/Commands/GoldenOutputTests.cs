using Lockstep.Cli.Tests.Infrastructure;
using Shouldly;
using Xunit;

namespace Lockstep.Cli.Tests.Commands;

/// <summary>
/// The exact text of deterministic output, compared with files in Golden/. To accept a deliberate
/// change, run the tests with LOCKSTEP_UPDATE_GOLDEN=1 and review the diff of Golden/.
/// </summary>
public sealed partial class GoldenOutputTests
{
    // the list of registered types grows as areas add step types
    [System.Text.RegularExpressions.GeneratedRegex("Known types: [^;]*;")]
    private static partial System.Text.RegularExpressions.Regex KnownTypes();

    // Other areas add built-in step types; the golden files hold the command step's part only,
    // so that they change when the command step's surface changes, not when a type is added.
    [Fact]
    public async Task Steps_lists_the_command_step_type_with_its_parameters()
    {
        using var ws = new TempWorkspace();

        var result = await ws.RunAsync("steps");

        result.ExitCode.ShouldBe(0, result.ToString());
        var lines = result.StdOut.Split('\n');
        var start = Array.FindIndex(lines, l => l.StartsWith("── command:", StringComparison.Ordinal));
        start.ShouldBeGreaterThanOrEqualTo(0, result.ToString());
        var end = Array.FindIndex(lines, start + 1, l => l.StartsWith("── ", StringComparison.Ordinal));
        Match("steps.txt", string.Join('\n', lines[start..(end < 0 ? lines.Length : end)]), ws);
    }

    [Fact]
    public async Task Steps_json_describes_the_command_step_type_for_scripts()
    {
        using var ws = new TempWorkspace();

        var result = await ws.RunAsync("steps", "--json");

        result.ExitCode.ShouldBe(0, result.ToString());
        var command = result.Json.AsArray().Single(t => (string)t!["type"]! == "command")!;
        Match("steps.json", command.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }), ws);
    }

    [Fact]
    public async Task A_pipeline_with_several_mistakes_lists_every_one_with_its_place_before_anything_runs()
    {
        using var ws = new TempWorkspace("""
            version: 1
            name: broken
            seed: 1
            steps:
              - id: clean
                type: comand
                outputs: [rows]
                params:
                  run: echo > ${outputs.rows}
              - id: train
                type: command
                inputs:
                  rows: clean.row
                  extra: missing.csv
                outputs: [model]
                params:
                  run: cat ${inputs.rows} ${inputs.extra} > ${outputs.modle}
                  timeout_seconds: 1.5
              - id: train
                type: command
                outputs: [x]
                params:
                  run: echo > ${outputs.x}
            """);

        var result = await ws.RunAsync("run");

        result.ExitCode.ShouldBe(2, result.ToString());
        result.StdOut.ShouldBeEmpty();
        Directory.Exists(ws.Store).ShouldBeFalse("nothing runs, and no store is made, when the plan is invalid");
        Match("plan-errors.txt", result.StdErr, ws);
    }

    [Fact]
    public async Task An_undeclared_shared_parameter_is_reported_once_even_in_a_step_whose_id_is_duplicated()
    {
        using var ws = new TempWorkspace("""
            version: 1
            name: broken
            seed: 1
            params:
              rate: 0.1
            steps:
              - id: train
                type: command
                outputs: [model]
                params:
                  run: echo ${params.rat} > ${outputs.model}
              - id: train
                type: command
                outputs: [x]
                params:
                  run: echo ${params.rate} > ${outputs.x}
            """);

        var result = await ws.RunAsync("run");

        result.ExitCode.ShouldBe(2, result.ToString());
        Match("undeclared-parameter-error.txt", result.StdErr, ws);
    }

    private static void Match(string golden, string actual, TempWorkspace ws)
    {
        var normalised = string.Join('\n', KnownTypes().Replace(actual.Replace(ws.Root, "<workspace>", StringComparison.Ordinal), "Known types: <the registered types>;")
            .Split('\n').Select(l => l.TrimEnd())).TrimEnd() + "\n";
        var source = Path.Combine(RepositoryPaths.Root, "tests", "Lockstep.Cli.Tests", "Golden", golden);
        if (Environment.GetEnvironmentVariable("LOCKSTEP_UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(source, normalised);
        }
        File.Exists(source).ShouldBeTrue($"no golden file {source}; run with LOCKSTEP_UPDATE_GOLDEN=1 to create it");
        normalised.ShouldBe(File.ReadAllText(source), $"output differs from Golden/{golden}");
    }
}
