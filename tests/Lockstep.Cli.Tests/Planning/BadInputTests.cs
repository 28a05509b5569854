using Lockstep.Cli.Tests.Infrastructure;
using Shouldly;
using Xunit;

namespace Lockstep.Cli.Tests.Planning;

/// <summary>
/// Every kind of bad input ends with one clear <c>error:</c> line (with file:line:column where the
/// mistake is in the pipeline file), a non-zero exit code, and no stack trace.
/// </summary>
public sealed class BadInputTests
{
    private const string Ok = """
        version: 1
        name: bad
        seed: 1
        steps:
          - id: a
            type: command
            outputs: [o]
            params:
              run: echo hi > ${outputs.o}
        """;

    public sealed record Case(string Yaml, string[] Args, int ExitCode, string Location, string[] Says)
    {
        public override string ToString() => string.Join(' ', Args);
    }

    public static readonly Dictionary<string, Case> Cases = new()
    {
        ["malformed yaml"] = new("""
            version: 1
            name: bad
            steps:
              - id: a
                type: [command
            """, ["run"], 2, "lockstep.yaml:", ["not valid YAML"]),
        ["wrong parameter type"] = new(Ok + "\n      timeout_seconds: soon\n", ["run"], 2, "lockstep.yaml:10:24:", ["'timeout_seconds' must be an integer", "\"soon\""]),
        ["unknown top-level key"] = new(Ok.Replace("seed: 1", "seed: 1\nstepz: []", StringComparison.Ordinal), ["run"], 2, "lockstep.yaml:4:1:", ["unknown pipeline key 'stepz'", "Did you mean 'steps'?"]),
        ["unknown step key"] = new(Ok.Replace("outputs: [o]", "outputs: [o]\n    output: [p]", StringComparison.Ordinal), ["run"], 2, "lockstep.yaml:8:5:", ["unknown step key 'output'", "Did you mean 'outputs'?"]),
        ["unknown step type"] = new(Ok.Replace("type: command", "type: comand", StringComparison.Ordinal), ["run"], 2, "lockstep.yaml:6:11:", ["unknown type 'comand'", "Did you mean 'command'?", "plugins:"]),
        ["unknown parameter"] = new(Ok + "\n      timeout: 5\n", ["run"], 2, "lockstep.yaml:10:16:", ["has no parameter 'timeout'", "'timeout_seconds'"]),
        ["missing required parameter"] = new(Ok.Replace("    params:\n      run: echo hi > ${outputs.o}", "", StringComparison.Ordinal), ["run"], 2, "lockstep.yaml:5:5:", ["needs parameter 'run'", "add it under 'params:'"]),
        ["undeclared shared parameter"] = new(Ok.Replace("echo hi", "echo ${params.nope}", StringComparison.Ordinal), ["run"], 2, "lockstep.yaml:9:12:", ["'${params.nope}'", "under the top-level 'params:'"]),
        ["input file that does not exist"] = new(Ok.Replace("outputs: [o]", "inputs: { raw: nothere.csv }\n    outputs: [o]", StringComparison.Ordinal), ["run"], 2, "lockstep.yaml:7:20:", ["file 'nothere.csv' does not exist"]),
        ["input from a missing step output"] = new(Ok + """

              - id: b
                type: command
                inputs: { x: a.p }
                outputs: [o]
                params:
                  run: cat ${inputs.x} > ${outputs.o}
            """, ["run"], 2, "lockstep.yaml:12:18:", ["reads 'a.p', but step 'a' has no output 'p'", "Did you mean 'o'?"]),
        ["cycle"] = new("""
            version: 1
            name: bad
            steps:
              - id: a
                type: command
                inputs: { x: b.o }
                outputs: [o]
                params:
                  run: cat ${inputs.x} > ${outputs.o}
              - id: b
                type: command
                inputs: { x: a.o }
                outputs: [o]
                params:
                  run: cat ${inputs.x} > ${outputs.o}
            """, ["run"], 2, "lockstep.yaml:", ["cycle: a → b → a"]),
        ["duplicate ids"] = new(Ok + """

              - id: a
                type: command
                outputs: [o]
                params:
                  run: echo again > ${outputs.o}
            """, ["run"], 2, "lockstep.yaml:10:5:", ["step id 'a' is used twice", "lockstep.yaml:5:5"]),
        ["bad --set syntax"] = new(Ok, ["run", "--set", "foo"], 2, "", ["--set 'foo'", "STEP.PARAM=VALUE"]),
        ["--set on an unknown step"] = new(Ok, ["run", "--set", "zz.run=1"], 2, "", ["no step 'zz'"]),
        ["--set of an unknown parameter"] = new(Ok, ["run", "--set", "a.runn=1"], 2, "--set a.runn=1: ", ["has no parameter 'runn'", "Did you mean 'run'?"]),
        ["--force of an unknown step"] = new(Ok, ["run", "--force", "zz"], 2, "", ["--force zz", "no step 'zz'"]),
        ["tab in the indentation"] = new(Ok.Replace("  - id: a", "\t- id: a", StringComparison.Ordinal), ["run"], 2, "lockstep.yaml:5:1:", ["invalid tab as indentation.", "YAML indents with spaces only. Check"]),
        ["empty pipeline file"] = new("", ["run"], 2, "lockstep.yaml:1:1:", ["'name' and 'steps'"]),
        ["runs show of an unknown run"] = new(Ok, ["runs", "show", "nope"], 1, "", ["no run 'nope'"]),
        ["lineage of an unknown prefix"] = new(Ok, ["lineage", "deadbeef"], 1, "", ["no recorded artifact starts with 'deadbeef'"]),
        ["lineage of an unknown full hash"] = new(Ok, ["lineage", new string('0', 64)], 1, "", ["no recorded artifact starts with '0000"]),
    };

    public static TheoryData<string> CaseNames() => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task Bad_input_ends_with_one_clear_error_line_and_a_nonzero_exit_code(string name)
    {
        var @case = Cases[name];
        using var ws = new TempWorkspace(Ok);
        if (@case.Args[0] is "runs" or "lineage")
        {
            (await ws.RunAsync("run")).ExitCode.ShouldBe(0);
        }
        ws.WritePipeline(@case.Yaml);

        var result = await ws.RunAsync(@case.Args);

        result.ExitCode.ShouldBe(@case.ExitCode, result.ToString());
        AssertOneCleanError(result);
        var line = result.StdErr.Trim();
        line.ShouldStartWith("error: " + (@case.Location.StartsWith("lockstep.yaml", StringComparison.Ordinal) ? ws.Root + "/" : "") + @case.Location);
        foreach (var fragment in @case.Says)
        {
            line.ShouldContain(fragment);
        }
    }

    [Fact]
    public async Task A_store_database_replaced_by_garbage_is_reported_as_unusable_by_every_command()
    {
        using var ws = new TempWorkspace(Ok);
        (await ws.RunAsync("run")).ExitCode.ShouldBe(0);
        var db = Path.Combine(ws.Store, "lockstep.db");
        File.WriteAllBytes(db, Enumerable.Range(0, 8192).Select(i => (byte)(i * 31 % 251)).ToArray());
        File.Delete(db + "-wal");
        File.Delete(db + "-shm");

        foreach (var args in new[] { new[] { "run" }, ["verify"], ["runs", "list"], ["reproduce", "last"], ["gc"] })
        {
            var result = await ws.RunAsync(args);
            result.ExitCode.ShouldBe(3, result.ToString());
            AssertOneCleanError(result);
            result.StdErr.ShouldContain($"cannot open the store database {db}");
        }
    }

    [Fact]
    public async Task Running_outside_any_workspace_says_how_to_make_one()
    {
        var empty = Path.Combine(Path.GetTempPath(), "lockstep-cli-tests", "empty-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(empty);
        try
        {
            var result = await LockstepProcess.RunAsync(empty, "run");
            result.ExitCode.ShouldBe(2, result.ToString());
            AssertOneCleanError(result);
            result.StdErr.ShouldContain("no lockstep.yaml in");
            result.StdErr.ShouldContain("run 'lockstep init' here");
        }
        finally
        {
            Directory.Delete(empty, recursive: true);
        }
    }

    [Fact]
    public async Task A_failing_command_step_fails_the_run_with_its_output_and_no_stack_trace()
    {
        using var ws = new TempWorkspace(Ok.Replace("echo hi > ${outputs.o}", "echo \"no such column price\" >&2; exit 3", StringComparison.Ordinal));

        var result = await ws.RunAsync("run");

        result.ExitCode.ShouldBe(1, result.ToString());
        result.StdOut.ShouldContain("no such column price");
        result.StdOut.ShouldContain("command exited with code 3");
        (result.StdOut + result.StdErr).ShouldNotContain("   at ");
        (result.StdOut + result.StdErr).ShouldNotContain("Exception");
    }

    private static void AssertOneCleanError(CliResult result)
    {
        var lines = result.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Length.ShouldBe(1, result.ToString());
        lines[0].ShouldStartWith("error: ");
        result.StdErr.ShouldNotContain("   at ");
        result.StdErr.ShouldNotContain("Exception");
        result.StdOut.ShouldNotContain("   at ");
    }
}
