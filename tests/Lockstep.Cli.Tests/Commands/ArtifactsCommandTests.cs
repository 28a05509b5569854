using System.Text.Json.Nodes;
using Lockstep.Cli.Tests.Infrastructure;
using Shouldly;
using Xunit;

namespace Lockstep.Cli.Tests.Commands;

/// <summary>'lockstep artifacts list | get' on a real workspace, including what a failed step wrote.</summary>
public sealed class ArtifactsCommandTests
{
    private const string Pipeline = """
        version: 1
        name: people
        seed: 1
        steps:
          - id: ingest
            type: ingest
            inputs: {source: people.csv}
          - id: check
            type: validate
            inputs: {snapshot: ingest.snapshot, schema: schema.yaml}
        """;

    private const string Schema = """
        format: schema/1
        columns:
          name: {type: string, nullable: false}
          age: {type: int64, nullable: false, min: 0, max: 40}
        """;

    private static TempWorkspace Workspace(string csv)
    {
        var ws = new TempWorkspace(Pipeline);
        ws.WriteFile("people.csv", csv);
        ws.WriteFile("schema.yaml", Schema);
        return ws;
    }

    [Fact]
    public async Task A_failed_validation_keeps_its_report_and_get_copies_it_out_after_checking_its_hash()
    {
        using var ws = Workspace("name,age\nann,31\nbob,93\n");
        var run = await ws.RunAsync("run");
        run.ExitCode.ShouldBe(1, run.ToString());

        var list = await ws.RunAsync("artifacts", "list", "--json");
        list.ExitCode.ShouldBe(0, list.ToString());
        var report = list.Json["artifacts"]!.AsArray().Single(a => (string)a!["name"]! == "check.report")!;
        ((string)report["step_status"]!).ShouldBe("failed");

        var target = Path.Combine(ws.Root, "report.json");
        var get = await ws.RunAsync("artifacts", "get", "check.report", "-o", target);
        get.ExitCode.ShouldBe(0, get.ToString());
        get.StdOut.ShouldContain("hash checked");
        var findings = JsonNode.Parse(File.ReadAllText(target))!;
        findings.ToJsonString().ShouldContain("93");

        // A failed step's output is kept for inspection, never reused: the next run executes it again.
        var again = await ws.RunAsync("run", "--json");
        again.Steps["check"]["cached"]!.GetValue<bool>().ShouldBeFalse();
    }

    [Fact]
    public async Task Get_by_hash_prefix_writes_the_same_bytes_and_refuses_to_overwrite_without_force()
    {
        using var ws = Workspace("name,age\nann,31\nbob,33\n");
        (await ws.RunAsync("run")).ExitCode.ShouldBe(0);
        var hash = (string)(await ws.RunAsync("artifacts", "list", "--json")).Json["artifacts"]!.AsArray()
            .Single(a => (string)a!["name"]! == "ingest.snapshot")!["hash"]!;

        var target = Path.Combine(ws.Root, "snapshot.parquet");
        (await ws.RunAsync("artifacts", "get", hash[..10], "-o", target)).ExitCode.ShouldBe(0);
        File.ReadAllBytes(target).ShouldBe(File.ReadAllBytes(ws.ObjectPath(hash)));

        var refused = await ws.RunAsync("artifacts", "get", hash[..10], "-o", target);
        refused.ExitCode.ShouldBe(2);
        refused.StdErr.ShouldContain("--force");
        (await ws.RunAsync("artifacts", "get", hash[..10], "-o", target, "--force")).ExitCode.ShouldBe(0);
    }

    [Fact]
    public async Task Unknown_steps_and_outputs_are_named_with_what_exists()
    {
        using var ws = Workspace("name,age\nann,31\n");
        (await ws.RunAsync("run")).ExitCode.ShouldBe(0);
        var step = await ws.RunAsync("artifacts", "get", "chek.report", "-o", "x");
        step.ExitCode.ShouldBe(2);
        step.StdErr.ShouldContain("did you mean 'check'", Case.Insensitive);
        var output = await ws.RunAsync("artifacts", "get", "check.reprot", "-o", "x");
        output.ExitCode.ShouldBe(2);
        output.StdErr.ShouldContain("'report'");
        File.Exists(Path.Combine(ws.Root, "x")).ShouldBeFalse();
    }

    [Fact]
    public async Task A_damaged_object_is_refused_and_nothing_is_written()
    {
        using var ws = Workspace("name,age\nann,31\n");
        (await ws.RunAsync("run")).ExitCode.ShouldBe(0);
        var hash = (string)(await ws.RunAsync("artifacts", "list", "--json")).Json["artifacts"]!.AsArray()
            .Single(a => (string)a!["name"]! == "check.report")!["hash"]!;
        ws.FlipByte(hash);
        var get = await ws.RunAsync("artifacts", "get", "check.report", "-o", "out.json");
        get.ExitCode.ShouldNotBe(0);
        get.StdErr.ShouldNotContain("   at ");
        File.Exists(Path.Combine(ws.Root, "out.json")).ShouldBeFalse();
    }
}
