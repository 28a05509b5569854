using Lockstep.Cli.Tests.Infrastructure;
using Shouldly;
using Xunit;

namespace Lockstep.Cli.Tests.Running;

/// <summary>Two <c>lockstep run</c> processes on one workspace at the same time.</summary>
public sealed class ConcurrentRunTests
{
    [Fact]
    public async Task Two_runs_on_the_same_workspace_at_once_both_succeed_and_each_step_is_computed_once()
    {
        for (var round = 0; round < 3; round++)
        {
            using var ws = new TempWorkspace(TestPipelines.Sleepy(0.15));
            if (round == 2)
            {
                // a store that already exists, with a cached prefix and a changed tail
                (await ws.RunAsync("run")).ExitCode.ShouldBe(0);
                ws.WritePipeline(TestPipelines.Sleepy(0.15).Replace("echo e > ${outputs.out}", "echo E > ${outputs.out}", StringComparison.Ordinal));
            }

            var both = await Task.WhenAll(ws.RunAsync("run", "--json"), ws.RunAsync("run", "--json"));

            foreach (var run in both)
            {
                run.ExitCode.ShouldBe(0, run.ToString());
                ((string)run.Json["status"]!).ShouldBe("succeeded");
                run.Steps.Values.ShouldAllBe(s => (string)s["status"]! == "succeeded");
            }
            foreach (var id in TestPipelines.SleepySteps)
            {
                both[0].Steps[id]["outputs"]!.ToJsonString().ShouldBe(both[1].Steps[id]["outputs"]!.ToJsonString(), $"step {id}");
                var executed = both.Count(r => !(bool)r.Steps[id]["cached"]!);
                executed.ShouldBe(round == 2 && id is "a" or "b" or "c" or "d" ? 0 : 1,
                    $"step {id}: exactly one process computes it; the other waits for it and reuses its outputs");
            }
            var verify = await ws.RunAsync("verify", "--json");
            verify.ExitCode.ShouldBe(0, verify.ToString());
            var runs = (await ws.RunAsync("runs", "list", "--json")).Json.AsArray();
            runs.Count(r => (string)r!["status"]! == "succeeded").ShouldBe(round == 2 ? 3 : 2);
        }
    }
}
