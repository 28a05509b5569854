using System.Diagnostics;
using System.Text.Json.Nodes;
using Lockstep.Cli.Tests.Infrastructure;
using Shouldly;
using Xunit;
using Xunit.Abstractions;

namespace Lockstep.Cli.Tests.Running;

/// <summary>
/// Real <c>lockstep run</c> processes killed with SIGKILL (<see cref="Process.Kill()"/> on Unix) at
/// many points: before the store exists, while steps run, between steps, while an output is
/// being placed into the store. After each kill the store must verify clean and the next run
/// must reuse exactly the steps the killed run had recorded, and finish the rest.
/// </summary>
public sealed class SigkillTests(ITestOutputHelper output)
{
    private const double Nap = 0.25;
    private const int KillPoints = 12;

    [Fact]
    public async Task A_run_killed_at_any_moment_leaves_a_clean_store_and_the_next_run_reuses_what_completed()
    {
        // Calibrate on this machine (shared, noisy): kill points are fractions of a real full run.
        using (var calibration = new TempWorkspace(TestPipelines.Sleepy(Nap)))
        {
            var first = await calibration.RunAsync("run", "--json", "--jobs", "2");
            first.ExitCode.ShouldBe(0, first.ToString());
            // the second, warm, forced run is what the kill points spread over
            var clock = Stopwatch.StartNew();
            var full = await calibration.RunAsync("run", "--json", "--jobs", "2", "--force");
            clock.Stop();
            full.ExitCode.ShouldBe(0, full.ToString());
            var duration = clock.Elapsed;
            output.WriteLine($"an uninterrupted run takes {duration.TotalMilliseconds:F0} ms here");

            var completedCounts = new List<int>();
            // Two kill points at a time keeps the test short without starving the machine.
            for (var batch = 0; batch < KillPoints; batch += 2)
            {
                var fractions = Enumerable.Range(batch, Math.Min(2, KillPoints - batch)).Select(i => (i + 0.5) / KillPoints * 1.05);
                var counts = await Task.WhenAll(fractions.Select(f => KillAndRecoverAsync(duration * f)));
                completedCounts.AddRange(counts);
            }
            output.WriteLine($"steps completed before each kill: {string.Join(", ", completedCounts)}");
            completedCounts.ShouldContain(c => c > 0 && c < TestPipelines.SleepySteps.Length, "some kill must land in the middle of a run");
            completedCounts.Distinct().Count().ShouldBeGreaterThanOrEqualTo(3, "the kills must land at different points of the run");
        }
    }

    [Fact]
    public async Task A_run_killed_while_a_large_output_is_being_placed_into_the_store_leaves_it_clean()
    {
        // The command writes 64 MiB, then a marker; from the marker on, the runner is moving,
        // flushing, hashing and renaming the output into objects/. Kill at several points of that.
        var pipeline = """
            version: 1
            name: big
            seed: 3
            steps:
              - id: big
                type: command
                outputs: [blob]
                params:
                  run: head -c 67108864 /dev/zero | tr '\0' 'x' > ${outputs.blob}; touch placing.marker
              - id: small
                type: command
                inputs: { x: big.blob }
                outputs: [size]
                params:
                  run: wc -c < ${inputs.x} > ${outputs.size}
            """;
        foreach (var delayMs in new[] { 0, 10, 40, 120 })
        {
            using var ws = new TempWorkspace(pipeline);
            using var process = LockstepProcess.Start(ws.Root, ["run", "--json"]);
            var marker = Path.Combine(ws.Root, "placing.marker");
            var waited = Stopwatch.StartNew();
            while (!File.Exists(marker) && !process.HasExited && waited.Elapsed < TimeSpan.FromSeconds(60))
            {
                await Task.Delay(2);
            }
            await Task.Delay(delayMs);
            var killed = TryKill(process);
            await process.WaitForExitAsync();
            output.WriteLine($"kill {delayMs} ms after the output was written: {(killed ? "killed" : "had already finished")}");

            await AssertRecoversAsync(ws, ["big", "small"]);
        }
    }

    private async Task<int> KillAndRecoverAsync(TimeSpan delay)
    {
        using var ws = new TempWorkspace(TestPipelines.Sleepy(Nap));
        using var process = LockstepProcess.Start(ws.Root, ["run", "--json", "--jobs", "2"]);
        await Task.Delay(delay);
        var killed = TryKill(process);
        await process.WaitForExitAsync();
        var completed = await AssertRecoversAsync(ws, TestPipelines.SleepySteps);
        output.WriteLine($"kill after {delay.TotalMilliseconds:F0} ms ({(killed ? "killed" : "already finished")}): {completed} step(s) had completed");
        return completed;
    }

    /// <summary>Checks the store after a kill and runs the pipeline again; returns how many steps the killed run had completed.</summary>
    private static async Task<int> AssertRecoversAsync(TempWorkspace ws, string[] steps)
    {
        var storeExists = File.Exists(Path.Combine(ws.Store, "lockstep.db"));
        if (storeExists)
        {
            var verify = await ws.RunAsync("verify", "--json");
            verify.ExitCode.ShouldBe(0, verify.ToString());
            ((bool)verify.Json["clean"]!).ShouldBeTrue();
        }

        var next = await ws.RunAsync("run", "--json");
        next.ExitCode.ShouldBe(0, next.ToString());
        ((string)next.Json["status"]!).ShouldBe("succeeded");
        next.Steps.Keys.Order(StringComparer.Ordinal).ShouldBe(steps.Order(StringComparer.Ordinal));
        next.Steps.Values.ShouldAllBe(s => (string)s["status"]! == "succeeded");

        var runs = (await ws.RunAsync("runs", "list", "--json")).Json.AsArray().Select(r => r!.AsObject()).ToList();
        var killedRun = runs.FirstOrDefault(r => (string)r["run_id"]! != (string)next.Json["run_id"]!);
        var completed = new HashSet<string>(StringComparer.Ordinal);
        if (killedRun is not null)
        {
            var status = (string)killedRun["status"]!;
            if (status != "succeeded")
            {
                status.ShouldBe("interrupted", "a run whose process died must not stay 'running'");
            }
            var shown = await ws.RunAsync("runs", "show", (string)killedRun["run_id"]!, "--json");
            shown.ExitCode.ShouldBe(0, shown.ToString());
            foreach (var step in shown.Json["steps"]!.AsArray().Select(s => s!.AsObject()))
            {
                if ((string)step["status"]! == "succeeded")
                {
                    completed.Add((string)step["id"]!);
                }
            }
        }
        var cached = next.Steps.Values.Where(s => (bool)s["cached"]!).Select(s => (string)s["id"]!).ToHashSet(StringComparer.Ordinal);
        cached.Order(StringComparer.Ordinal).ShouldBe(completed.Order(StringComparer.Ordinal),
            "the next run reuses every step the killed run completed, and runs the others");

        var after = await ws.RunAsync("verify", "--json");
        after.ExitCode.ShouldBe(0, after.ToString());
        return completed.Count;
    }

    private static bool TryKill(Process process)
    {
        try
        {
            process.Kill(); // SIGKILL: no handler runs, nothing is flushed or cleaned up
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }
}
