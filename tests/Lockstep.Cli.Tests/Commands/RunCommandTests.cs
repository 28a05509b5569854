using Lockstep.Cli.Tests.Infrastructure;
using Shouldly;
using Xunit;

namespace Lockstep.Cli.Tests.Commands;

public sealed class RunCommandTests
{
    private static TempWorkspace Diamond()
    {
        var ws = new TempWorkspace(TestPipelines.Diamond);
        ws.WriteFile("data.txt", TestPipelines.DiamondData);
        return ws;
    }

    private static async Task<CliResult> RunOk(TempWorkspace ws, params string[] extra)
    {
        var result = await ws.RunAsync(["run", "--json", .. extra]);
        result.ExitCode.ShouldBe(0, result.ToString());
        ((string)result.Json["status"]!).ShouldBe("succeeded", result.ToString());
        return result;
    }

    private static string[] Ran(CliResult result) =>
        result.Steps.Values.Where(s => !(bool)s["cached"]!).Select(s => (string)s["id"]!).Order(StringComparer.Ordinal).ToArray();

    [Fact]
    public async Task The_second_run_of_an_unchanged_pipeline_executes_no_step()
    {
        using var ws = Diamond();
        var first = await RunOk(ws);
        Ran(first).ShouldBe(["report", "scale", "side", "source"]);

        var second = await RunOk(ws);

        foreach (var (id, step) in second.Steps)
        {
            ((bool)step["cached"]!).ShouldBeTrue($"{id} should be cached: {step}");
            ((string)step["status"]!).ShouldBe("succeeded");
            ((string)step["reason"]!).ShouldContain((string)first.Json["run_id"]!);
            step["outputs"]!.ToJsonString().ShouldBe(first.Steps[id]["outputs"]!.ToJsonString());
        }
        ((string)second.Json["run_id"]!).ShouldNotBe((string)first.Json["run_id"]!);
    }

    [Fact]
    public async Task Changing_a_shared_parameter_reruns_exactly_the_steps_downstream_of_it_and_says_why()
    {
        using var ws = Diamond();
        await RunOk(ws);

        var changed = await RunOk(ws, "--set", "params.factor=3");

        Ran(changed).ShouldBe(["report", "scale"]);
        var scaleReason = (string)changed.Steps["scale"]["reason"]!;
        scaleReason.ShouldContain("parameter run changed");
        scaleReason.ShouldContain("factor 2");
        scaleReason.ShouldContain("→");
        scaleReason.ShouldContain("factor 3");
        ((string)changed.Steps["report"]["reason"]!).ShouldStartWith("input text changed");
        ((bool)changed.Steps["source"]["cached"]!).ShouldBeTrue();
        ((bool)changed.Steps["side"]["cached"]!).ShouldBeTrue();
    }

    [Fact]
    public async Task Setting_one_step_parameter_names_it_with_its_old_and_new_value()
    {
        using var ws = Diamond();
        await RunOk(ws);

        var changed = await RunOk(ws, "--set", "scale.timeout_seconds=30");

        // timeout_seconds does not change scale's output, so report's input is the same: only scale runs.
        Ran(changed).ShouldBe(["scale"]);
        ((string)changed.Steps["scale"]["reason"]!).ShouldBe("parameter timeout_seconds changed 60 → 30");

        var back = await RunOk(ws);
        Ran(back).ShouldBeEmpty("going back to the recorded value reuses the first run's outputs");
    }

    [Fact]
    public async Task Force_alone_reruns_every_step_and_force_with_an_id_reruns_only_that_step()
    {
        using var ws = Diamond();
        var first = await RunOk(ws);

        var all = await RunOk(ws, "--force");
        Ran(all).ShouldBe(["report", "scale", "side", "source"]);
        all.Steps.Values.ShouldAllBe(s => (string)s["reason"]! == "forced (--force)");

        var one = await RunOk(ws, "--force", "side");
        Ran(one).ShouldBe(["side"]);
        ((string)one.Steps["side"]["reason"]!).ShouldBe("forced (--force)");
        // the commands are deterministic, so forced outputs hash the same
        one.Steps["side"]["outputs"]!.ToJsonString().ShouldBe(first.Steps["side"]["outputs"]!.ToJsonString());
    }

    [Fact]
    public async Task A_changed_external_input_file_reruns_its_readers_and_names_the_input()
    {
        using var ws = Diamond();
        await RunOk(ws);
        ws.WriteFile("data.txt", TestPipelines.DiamondData + "delta\n");

        var changed = await RunOk(ws);

        Ran(changed).ShouldBe(["report", "scale", "side", "source"]);
        ((string)changed.Steps["source"]["reason"]!).ShouldStartWith("input raw changed");
    }
}
