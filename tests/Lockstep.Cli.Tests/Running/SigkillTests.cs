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

    /// <summary>
    /// Kill points are tied to what the run reports, not to the clock, so that they land where
    /// intended however loaded the machine is: the progress line that says a step started (the
    /// step is running) or finished (its record was just committed), immediately or half a step
    /// later. Two more kills land before any line: at start-up and while the store is created.
    /// </summary>
    public static TheoryData<int> KillPoints() => new(Enumerable.Range(0, 18));

    [Theory]
    [MemberData(nameof(KillPoints))]
    public async Task A_run_killed_at_any_moment_leaves_a_clean_store_and_the_next_run_reuses_what_completed(int point)
    {
        using var ws = new TempWorkspace(TestPipelines.Sleepy(Nap));
        using var process = LockstepProcess.Start(ws.Root, ["run", "--jobs", "2"]);
        var lines = new List<string>();
        string description;
        if (point < 2)
        {
            await Task.Delay(point == 0 ? 0 : 150);
            description = point == 0 ? "at once" : "after 150 ms";
        }
        else
        {
            // lines: 0 the header, then one per step start and one per step end (1-12), then the
            // table; points 15-17 land in the middle of a step that line 2, 5 or 9 saw start
            var late = point >= 15;
            var line = late ? new[] { 2, 5, 9 }[point - 15] : point - 2;
            while (lines.Count <= line && await process.StandardOutput.ReadLineAsync() is { } text)
            {
                lines.Add(text);
            }
            if (late)
            {
                await Task.Delay(TimeSpan.FromSeconds(Nap / 2));
            }
            description = $"at progress line {line} ('{lines.LastOrDefault()?.Trim()}'){(late ? " + half a step" : "")}";
        }
        var killed = TryKill(process);
        await process.WaitForExitAsync();

        var completed = await AssertRecoversAsync(ws, TestPipelines.SleepySteps);
        output.WriteLine($"kill {description} ({(killed ? "killed" : "had finished")}): {completed} step(s) had completed");
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
