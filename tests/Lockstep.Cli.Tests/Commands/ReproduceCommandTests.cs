using Lockstep.Cli.Tests.Infrastructure;
using Shouldly;
using Xunit;

namespace Lockstep.Cli.Tests.Commands;

public sealed class ReproduceCommandTests
{
    [Fact]
    public async Task Reproducing_a_completed_run_reports_every_artifact_identical()
    {
        using var ws = new TempWorkspace(TestPipelines.Diamond);
        ws.WriteFile("data.txt", TestPipelines.DiamondData);
        var run = await ws.RunAsync("run", "--json");
        run.ExitCode.ShouldBe(0, run.ToString());
        // The workspace file may change afterwards: reproduce reads the recorded input object.
        ws.WriteFile("data.txt", "something else entirely\n");

        var reproduced = await ws.RunAsync("reproduce", "last", "--json");

        reproduced.ExitCode.ShouldBe(0, reproduced.ToString());
        var json = reproduced.Json;
        ((bool)json["identical"]!).ShouldBeTrue();
        ((string)json["run_id"]!).ShouldBe((string)run.Json["run_id"]!);
        reproduced.Steps.Keys.Order(StringComparer.Ordinal).ShouldBe(["report", "scale", "side", "source"]);
        foreach (var (id, step) in reproduced.Steps)
        {
            ((bool)step["identical"]!).ShouldBeTrue(id);
            foreach (var output in step["outputs"]!.AsArray())
            {
                ((string)output!["reproduced"]!).ShouldBe((string)output["original"]!);
            }
        }
    }

    [Fact]
    public async Task A_step_that_draws_unseeded_randomness_does_not_reproduce_and_is_named_as_nondeterministic()
    {
        using var ws = new TempWorkspace("""
            version: 1
            name: noisy
            seed: 5
            steps:
              - id: stable
                type: command
                outputs: [out]
                params:
                  run: echo "seeded $LOCKSTEP_SEED" > ${outputs.out}
              - id: noisy
                type: command
                inputs: { x: stable.out }
                outputs: [out]
                params:
                  run: cat ${inputs.x} > ${outputs.out}; head -c 16 /dev/urandom | od -An -tx1 >> ${outputs.out}; date +%N >> ${outputs.out}
            """);
        (await ws.RunAsync("run")).ExitCode.ShouldBe(0);

        var reproduced = await ws.RunAsync("reproduce", "last", "--json");

        reproduced.ExitCode.ShouldBe(4, reproduced.ToString());
        var json = reproduced.Json;
        ((bool)json["identical"]!).ShouldBeFalse();
        ((string)json["first_diverged_step"]!).ShouldBe("noisy");
        ((string)json["cause"]!).ShouldBe("nondeterministic");
        ((bool)reproduced.Steps["stable"]["identical"]!).ShouldBeTrue();
        ((bool)reproduced.Steps["noisy"]["identical"]!).ShouldBeFalse();
        ((string)reproduced.Steps["noisy"]["cause"]!).ShouldContain("nondeterministic");
    }

    [Fact]
    public async Task The_readable_report_names_the_diverged_step_and_its_cause()
    {
        using var ws = new TempWorkspace("""
            version: 1
            name: noisy
            seed: 5
            steps:
              - id: clock
                type: command
                outputs: [out]
                params:
                  run: date +%s%N > ${outputs.out}
            """);
        (await ws.RunAsync("run")).ExitCode.ShouldBe(0);

        var reproduced = await ws.RunAsync("reproduce", "last");

        reproduced.ExitCode.ShouldBe(4);
        reproduced.StdOut.ShouldContain("did NOT reproduce: step 'clock' diverged first; likely cause: nondeterministic");
    }
}
