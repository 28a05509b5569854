using System.Diagnostics;
using Lockstep.Cli.Tests.Infrastructure;
using Shouldly;
using Xunit;

namespace Lockstep.Cli.Tests.Running;

/// <summary>
/// The resident process (docs/resident.md), with real processes: a <c>lockstep run</c> whose
/// steps are all cached is answered by it, with the same output and records as a run in the
/// command's own process; anything else is handed back and runs in the command's process; killing
/// it, stopping it or leaving it idle loses nothing.
/// </summary>
public sealed class ResidentTests
{
    [Fact]
    public async Task A_fully_cached_run_is_answered_by_the_resident_process_with_the_same_result_as_one_run_here()
    {
        using var resident = new ResidentFolder();
        using var ws = new TempWorkspace(TestPipelines.Sleepy(0));

        var first = await resident.RunAsync(ws, "run", "--json");
        first.ExitCode.ShouldBe(0, first.ToString());
        first.Steps.Values.ShouldAllBe(s => !(bool)s["cached"]!);
        var pid = await resident.WaitForResidentAsync();

        var served = await resident.RunAsync(ws, "run", "--json");
        var here = await LockstepProcess.RunAsync(ws.Root, "run", "--json");

        served.ExitCode.ShouldBe(0, served.ToString());
        here.ExitCode.ShouldBe(0, here.ToString());
        served.StdErr.ShouldBe(here.StdErr);
        foreach (var id in TestPipelines.SleepySteps)
        {
            var (a, b) = (served.Steps[id], here.Steps[id]);
            ((bool)a["cached"]!).ShouldBeTrue(id);
            foreach (var field in new[] { "status", "cached", "reason", "cache_key", "code_identity", "inputs", "outputs", "metrics", "seed" })
            {
                a[field]?.ToJsonString().ShouldBe(b[field]?.ToJsonString(), $"step {id}, {field}");
            }
        }
        (await RecordedPid(ws, (string)served.Json["run_id"]!)).ShouldBe(pid, "the resident process recorded the served run");
        (await RecordedPid(ws, (string)here.Json["run_id"]!)).ShouldNotBe(pid);

        // The readable output too, line for line but for the run id and the times.
        var servedText = await resident.RunAsync(ws, "run");
        var hereText = await LockstepProcess.RunAsync(ws.Root, "run");
        servedText.ExitCode.ShouldBe(0, servedText.ToString());
        // Steps finish in parallel, so their progress lines come in any order: compared as sets of lines.
        Normalize(servedText.StdOut, servedText).ShouldBe(Normalize(hereText.StdOut, hereText), ignoreOrder: true);

        var runs = (await ws.RunAsync("runs", "list", "--json")).Json.AsArray();
        runs.Count.ShouldBe(5, "one record per command, none for a declined or repeated attempt");
        runs.ShouldAllBe(r => (string)r!["status"]! == "succeeded");
        (await ws.RunAsync("verify")).ExitCode.ShouldBe(0);
    }

    [Fact]
    public async Task At_a_terminal_the_answer_is_the_table_a_run_leaves_there_laid_out_for_its_width()
    {
        using var resident = new ResidentFolder();
        using var ws = new TempWorkspace(TestPipelines.Sleepy(0));
        // Started by a run at a terminal whose session ends with it: it outlives the hangup.
        await AtTerminalAsync(ws, resident.Environment(null));
        var pid = await resident.WaitForResidentAsync();
        await Task.Delay(500);
        resident.IsAlive(pid).ShouldBeTrue("the terminal's hangup did not reach it");

        var served = await AtTerminalAsync(ws, resident.Environment(null));
        var here = await AtTerminalAsync(ws, new Dictionary<string, string?> { ["LOCKSTEP_RESIDENT"] = "0" });

        var runs = (await ws.RunAsync("runs", "list", "--json")).Json.AsArray();
        (await RecordedPid(ws, (string)runs[1]!["run_id"]!)).ShouldBe(pid, "the first of the two terminal runs was answered by the resident process");
        (await RecordedPid(ws, (string)runs[0]!["run_id"]!)).ShouldNotBe(pid);
        // What the terminal shows once the progress display has cleared itself (its last escape).
        var shown = here[(here.LastIndexOf("\u001b[?25h", StringComparison.Ordinal) + "\u001b[?25h".Length)..];
        var servedLines = Screen(served);
        servedLines.ShouldBe(Screen(shown));
        servedLines.ShouldContain(l => l.Contains("why", StringComparison.Ordinal));
        servedLines.ShouldAllBe(l => l.Length <= 90, "laid out for the terminal's 90 columns");
    }

    /// <summary>`lockstep run` in a pseudo-terminal of 90 columns (util-linux script), its bytes as the terminal received them.</summary>
    private static async Task<string> AtTerminalAsync(TempWorkspace ws, Dictionary<string, string?> environment)
    {
        var command = $"stty cols 90 rows 40; exec dotnet '{LockstepProcess.Dll}' run";
        var start = new ProcessStartInfo("script", ["-q", "-e", "-c", command, "/dev/null"])
        {
            WorkingDirectory = ws.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.Environment.Remove("LOCKSTEP_STORE");
        start.Environment["LOCKSTEP_RESIDENT"] = "0";
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var result = await LockstepProcess.CollectAsync(process, ["run (at a terminal)"]);
        result.ExitCode.ShouldBe(0, result.ToString());
        return result.StdOut;
    }

    /// <summary>Lines of terminal output without escape sequences, carriage returns, trailing blanks, run ids and timings.</summary>
    private static string[] Screen(string bytes)
    {
        var text = System.Text.RegularExpressions.Regex.Replace(bytes, @"\u001b(\[[0-9;?]*[A-Za-z]|[=>])", "").Replace("\r", "", StringComparison.Ordinal);
        text = System.Text.RegularExpressions.Regex.Replace(text, @"\d{8}-\d{6}-[0-9a-f]{6}", "RUN");
        text = System.Text.RegularExpressions.Regex.Replace(text, @"\d+\.\d\ds", "T.TTs");
        return text.Split('\n').Select(l => l.TrimEnd()).Where(l => l.Length > 0).ToArray();
    }

    [Fact]
    public async Task A_run_with_a_step_to_execute_is_handed_back_and_runs_in_the_commands_own_process()
    {
        using var resident = new ResidentFolder();
        using var ws = TempWorkspace.WithOneCopyStep("handback");
        (await resident.RunAsync(ws, "run")).ExitCode.ShouldBe(0);
        var pid = await resident.WaitForResidentAsync();

        ws.WriteFile("input.txt", "changed\n");
        var changed = await resident.RunAsync(ws, "run", "--json");
        changed.ExitCode.ShouldBe(0, changed.ToString());
        ((bool)changed.Steps["copy"]["cached"]!).ShouldBeFalse();
        ((string)changed.Steps["copy"]["reason"]!).ShouldContain("input");
        (await RecordedPid(ws, (string)changed.Json["run_id"]!)).ShouldNotBe(pid);

        var forced = await resident.RunAsync(ws, "run", "--force", "--json");
        ((bool)forced.Steps["copy"]["cached"]!).ShouldBeFalse();

        var again = await resident.RunAsync(ws, "run", "--json");
        ((bool)again.Steps["copy"]["cached"]!).ShouldBeTrue();
        (await RecordedPid(ws, (string)again.Json["run_id"]!)).ShouldBe(pid);

        var runs = (await ws.RunAsync("runs", "list", "--json")).Json.AsArray();
        runs.Count.ShouldBe(4, "the handed-back runs left no record of the resident process's attempt");
        runs.ShouldAllBe(r => (string)r!["status"]! == "succeeded");
        resident.IsAlive(pid).ShouldBeTrue();

        // A store deleted and made again under a live resident process: it holds no connection to
        // the old database file between commands, so it neither answers from nor writes to it.
        Directory.Delete(ws.Store, recursive: true);
        var fresh = await resident.RunAsync(ws, "run", "--json");
        ((bool)fresh.Steps["copy"]["cached"]!).ShouldBeFalse();
        var servedAgain = await resident.RunAsync(ws, "run", "--json");
        ((bool)servedAgain.Steps["copy"]["cached"]!).ShouldBeTrue();
        (await RecordedPid(ws, (string)servedAgain.Json["run_id"]!)).ShouldBe(pid);
        (await ws.RunAsync("runs", "list", "--json")).Json.AsArray().Count.ShouldBe(2);
    }

    [Fact]
    public async Task A_damaged_cached_output_is_never_reused_by_the_resident_process()
    {
        using var resident = new ResidentFolder();
        using var ws = TempWorkspace.WithOneCopyStep("damaged");
        var first = await resident.RunAsync(ws, "run", "--json");
        var pid = await resident.WaitForResidentAsync();
        var output = (string)first.Steps["copy"]["outputs"]!["out"]!;
        ws.FlipByte(output);

        var next = await resident.RunAsync(ws, "run", "--json");
        next.ExitCode.ShouldBe(0, next.ToString());
        ((bool)next.Steps["copy"]["cached"]!).ShouldBeFalse("the damaged copy fails the check, so the step runs again");
        ((string)next.Steps["copy"]["reason"]!).ShouldContain("corrupt");
        (await RecordedPid(ws, (string)next.Json["run_id"]!)).ShouldNotBe(pid);
        File.ReadAllText(ws.ObjectPath(output)).ShouldBe("hello\n", "the run stored the output again, repairing the object");
        var served = await resident.RunAsync(ws, "run", "--json");
        (await RecordedPid(ws, (string)served.Json["run_id"]!)).ShouldBe(pid);
    }

    [Fact]
    public async Task A_pipeline_with_plugins_is_left_to_the_commands_own_process()
    {
        using var resident = new ResidentFolder();
        using var ws = TempWorkspace.WithExamplePlugin();
        (await resident.RunAsync(ws, "run")).ExitCode.ShouldBe(0);
        var pid = await resident.WaitForResidentAsync();

        var cached = await resident.RunAsync(ws, "run", "--json");
        cached.ExitCode.ShouldBe(0, cached.ToString());
        cached.Steps.Values.ShouldAllBe(s => (bool)s["cached"]!);
        (await RecordedPid(ws, (string)cached.Json["run_id"]!)).ShouldNotBe(pid, "plugins load only in the command's own process");
        File.ReadAllText($"/proc/{pid}/maps").ShouldNotContain("Lockstep.Examples.PluginStep");
    }

    [Fact]
    public async Task Input_files_over_64_MiB_are_left_to_the_commands_own_process()
    {
        using var resident = new ResidentFolder();
        using var ws = TempWorkspace.WithOneCopyStep("large");
        (await resident.RunAsync(ws, "run")).ExitCode.ShouldBe(0);
        var pid = await resident.WaitForResidentAsync();
        using (var file = new FileStream(Path.Combine(ws.Root, "input.txt"), FileMode.Create))
        {
            file.SetLength(Lockstep.Cli.Commands.RunCommand.MaxResidentInputBytes + 1);
        }
        (await resident.RunAsync(ws, "run")).ExitCode.ShouldBe(0);
        var cached = await resident.RunAsync(ws, "run", "--json");
        ((bool)cached.Steps["copy"]["cached"]!).ShouldBeTrue();
        (await RecordedPid(ws, (string)cached.Json["run_id"]!)).ShouldNotBe(pid, "a hand-back would hash them twice");
    }

    [Fact]
    public async Task Errors_are_reported_by_the_commands_own_process_exactly_as_without_a_resident_process()
    {
        using var resident = new ResidentFolder();
        using var ws = TempWorkspace.WithOneCopyStep("errors");
        (await resident.RunAsync(ws, "run")).ExitCode.ShouldBe(0);
        await resident.WaitForResidentAsync();

        string[][] lines = [["run", "--set", "copy.nope=1"], ["run", "--jobs", "0"], ["run", "--bogus"], ["run", "-w", "missing-folder"]];
        foreach (var line in lines)
        {
            var withResident = await resident.RunAsync(ws, line);
            var without = await LockstepProcess.RunAsync(ws.Root, line);
            withResident.ExitCode.ShouldNotBe(0, withResident.ToString());
            withResident.ExitCode.ShouldBe(without.ExitCode, string.Join(' ', line));
            withResident.StdErr.ShouldBe(without.StdErr, string.Join(' ', line));
            withResident.StdOut.ShouldBe(without.StdOut, string.Join(' ', line));
        }
        ws.WritePipeline("steps: [");
        var broken = await resident.RunAsync(ws, "run");
        broken.ExitCode.ShouldBe((await LockstepProcess.RunAsync(ws.Root, "run")).ExitCode);
        broken.StdErr.ShouldContain("lockstep.yaml");
    }

    [Fact]
    public async Task Two_runs_at_once_through_the_resident_process_both_finish_with_records_of_their_own()
    {
        using var resident = new ResidentFolder();
        using var ws = new TempWorkspace(TestPipelines.Sleepy(0));
        (await resident.RunAsync(ws, "run")).ExitCode.ShouldBe(0);
        var pid = await resident.WaitForResidentAsync();

        var runs = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => resident.RunAsync(ws, "run", "--json")));
        foreach (var run in runs)
        {
            run.ExitCode.ShouldBe(0, run.ToString());
            run.Steps.Values.ShouldAllBe(s => (bool)s["cached"]!);
        }
        runs.Select(r => (string)r.Json["run_id"]!).Distinct().Count().ShouldBe(4);
        (await RecordedPid(ws, (string)runs[0].Json["run_id"]!)).ShouldBe(pid);
        (await ws.RunAsync("verify")).ExitCode.ShouldBe(0);
    }

    [Fact]
    public async Task A_resident_process_killed_with_sigkill_leaves_its_socket_behind_and_the_next_runs_still_work()
    {
        using var resident = new ResidentFolder();
        using var ws = TempWorkspace.WithOneCopyStep("killed");
        (await resident.RunAsync(ws, "run")).ExitCode.ShouldBe(0);
        var pid = await resident.WaitForResidentAsync();

        using (var p = Process.GetProcessById(pid))
        {
            p.Kill();
            await p.WaitForExitAsync();
        }
        Directory.GetFiles(resident.Folder, "*.sock").ShouldNotBeEmpty("a killed process cannot remove its socket");

        var next = await resident.RunAsync(ws, "run", "--json");
        next.ExitCode.ShouldBe(0, next.ToString());
        ((bool)next.Steps["copy"]["cached"]!).ShouldBeTrue();
        (await RecordedPid(ws, (string)next.Json["run_id"]!)).ShouldNotBe(pid);

        // That run found nobody listening and started a new resident process, which answers the next.
        var replacement = await resident.WaitForResidentAsync(except: pid);
        var served = await resident.RunAsync(ws, "run", "--json");
        (await RecordedPid(ws, (string)served.Json["run_id"]!)).ShouldBe(replacement);
        (await ws.RunAsync("verify")).ExitCode.ShouldBe(0);
    }

    [Fact]
    public async Task A_resident_process_killed_while_it_answers_loses_nothing_and_its_command_still_succeeds()
    {
        using var resident = new ResidentFolder();
        using var ws = new TempWorkspace(TestPipelines.Sleepy(0));
        (await resident.RunAsync(ws, "run")).ExitCode.ShouldBe(0);
        var random = new Random(7);
        for (var round = 0; round < 6; round++)
        {
            var pid = await resident.WaitForResidentAsync();
            using var client = LockstepProcess.Start(ws.Root, ["run", "--json"], resident.Environment(null));
            // Somewhere in the client's start, its request or the resident process's answer.
            await Task.Delay(random.Next(0, 300));
            using (var p = Process.GetProcessById(pid))
            {
                p.Kill();
                await p.WaitForExitAsync();
            }
            var result = await LockstepProcess.CollectAsync(client, ["run", "--json"]);
            result.ExitCode.ShouldBe(0, $"round {round}: {result}");
            result.Steps.Values.ShouldAllBe(s => (bool)s["cached"]!);
            resident.Forget(pid);
            // The next command finds the dead socket, runs here and starts another resident process.
            (await resident.RunAsync(ws, "run")).ExitCode.ShouldBe(0);
        }
        var verify = await ws.RunAsync("verify");
        verify.ExitCode.ShouldBe(0, verify.ToString());
        var runs = (await ws.RunAsync("runs", "list", "--json")).Json.AsArray();
        runs.ShouldAllBe(r => (string)r!["status"]! == "succeeded" || (string)r!["status"]! == "interrupted");
        runs.Count(r => (string)r!["status"]! == "succeeded").ShouldBeGreaterThanOrEqualTo(13);
    }

    [Fact]
    public async Task Another_environment_gets_a_resident_process_of_its_own()
    {
        using var resident = new ResidentFolder();
        using var ws = TempWorkspace.WithOneCopyStep("environments");
        (await resident.RunAsync(ws, "run")).ExitCode.ShouldBe(0);
        var pid = await resident.WaitForResidentAsync();

        // A variable no cached run reads (a benchmark tool's or a terminal's, different for every
        // command) changes nothing: the same resident process answers.
        var volatileVariable = new Dictionary<string, string?> { ["HYPERFINE_RANDOMIZED_ENVIRONMENT_OFFSET"] = "xxxxxxx", ["WINDOWID"] = "42" };
        var same = await resident.RunAsync(ws, volatileVariable, "run", "--json");
        (await RecordedPid(ws, (string)same.Json["run_id"]!)).ShouldBe(pid);

        var other = new Dictionary<string, string?> { ["LOCKSTEP_USER"] = "someone-else" };
        var first = await resident.RunAsync(ws, other, "run", "--json");
        (await RecordedPid(ws, (string)first.Json["run_id"]!)).ShouldNotBe(pid, "a resident process never answers for another environment");
        var second = await resident.WaitForResidentAsync(except: pid);
        var served = await resident.RunAsync(ws, other, "run", "--json");
        (await RecordedPid(ws, (string)served.Json["run_id"]!)).ShouldBe(second);
        var shown = (await ws.RunAsync("runs", "show", (string)served.Json["run_id"]!, "--json")).Json;
        ((string)shown["user"]!).ShouldBe("someone-else");
        Directory.GetFiles(resident.Folder, "*.sock").Length.ShouldBe(2);
    }

    [Fact]
    public async Task An_idle_resident_process_exits_and_removes_its_socket_and_sigterm_stops_one_at_once()
    {
        using var resident = new ResidentFolder(idleSeconds: 2);
        using var ws = TempWorkspace.WithOneCopyStep("idle");
        (await resident.RunAsync(ws, "run")).ExitCode.ShouldBe(0);
        var pid = await resident.WaitForResidentAsync();
        (await resident.WaitForExitAsync(pid, TimeSpan.FromSeconds(30))).ShouldBeTrue("idle for 2 s, it exits");
        Directory.GetFiles(resident.Folder, "*.sock").ShouldBeEmpty();

        using var longer = new ResidentFolder(idleSeconds: 600);
        (await longer.RunAsync(ws, "run")).ExitCode.ShouldBe(0);
        var second = await longer.WaitForResidentAsync();
        Process.Start("kill", ["-TERM", second.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit();
        (await longer.WaitForExitAsync(second, TimeSpan.FromSeconds(30))).ShouldBeTrue("SIGTERM stops it");
        Directory.GetFiles(longer.Folder, "*.sock").ShouldBeEmpty();
    }

    [Fact]
    public async Task Resident_status_lists_the_live_ones_and_resident_stop_stops_them()
    {
        using var resident = new ResidentFolder();
        using var ws = TempWorkspace.WithOneCopyStep("status");
        var none = await resident.RunAsync(ws, "resident", "status", "--json");
        none.ExitCode.ShouldBe(0, none.ToString());
        none.Json["processes"]!.AsArray().ShouldBeEmpty();
        ((bool)none.Json["enabled"]!).ShouldBeTrue();

        (await resident.RunAsync(ws, "run")).ExitCode.ShouldBe(0);
        var pid = await resident.WaitForResidentAsync();
        var status = await resident.RunAsync(ws, "resident", "status", "--json");
        status.Json["processes"]!.AsArray().Select(p => (int)p!["pid"]!).ShouldBe([pid]);
        (await resident.RunAsync(ws, "resident", "status")).StdOut.ShouldContain($"pid {pid}");

        var stop = await resident.RunAsync(ws, "resident", "stop", "--json");
        stop.ExitCode.ShouldBe(0, stop.ToString());
        stop.Json["stopped"]!.AsArray().Select(p => (int)p!).ShouldBe([pid]);
        resident.IsAlive(pid).ShouldBeFalse("stop waits until it has exited");
        (await resident.RunAsync(ws, "resident", "status", "--json")).Json["processes"]!.AsArray().ShouldBeEmpty();
        (await resident.RunAsync(ws, "resident", "stop")).StdOut.ShouldContain("no resident process was running");
    }

    [Fact]
    public async Task With_the_resident_process_turned_off_or_under_CI_none_is_started()
    {
        using var resident = new ResidentFolder();
        using var ws = TempWorkspace.WithOneCopyStep("off");
        foreach (var environment in new Dictionary<string, string?>[] { new() { ["LOCKSTEP_RESIDENT"] = "0" }, new() { ["LOCKSTEP_RESIDENT"] = null, ["CI"] = "true" } })
        {
            (await resident.RunAsync(ws, environment, "run")).ExitCode.ShouldBe(0);
            (await resident.RunAsync(ws, environment, "run")).ExitCode.ShouldBe(0);
        }
        await Task.Delay(1000);
        Directory.Exists(resident.Folder).ShouldBeFalse("no resident process made its folder");
    }

    private static async Task<int> RecordedPid(TempWorkspace ws, string runId)
    {
        var shown = await ws.RunAsync("runs", "show", runId, "--json");
        shown.ExitCode.ShouldBe(0, shown.ToString());
        return (int)shown.Json["process_id"]!;
    }

    /// <summary>A run's readable output, line by line, with its run ids and timings masked.</summary>
    private static string[] Normalize(string text, CliResult result)
    {
        result.ExitCode.ShouldBe(0, result.ToString());
        var masked = System.Text.RegularExpressions.Regex.Replace(
            System.Text.RegularExpressions.Regex.Replace(text, @"\d{8}-\d{6}-[0-9a-f]{6}", "RUN"),
            @"\d+\.\d\ds", "T.TTs");
        return masked.Split('\n');
    }

    /// <summary>
    /// A folder of resident sockets of the test's own (LOCKSTEP_RESIDENT_DIR), with the resident
    /// process turned on for the commands run through it; every resident process it started is
    /// killed when the test ends.
    /// </summary>
    private sealed class ResidentFolder(int idleSeconds = 120) : IDisposable
    {
        public string Folder { get; } = Path.Combine(Path.GetTempPath(), "lsr-" + Guid.NewGuid().ToString("N")[..10]);

        private readonly HashSet<int> _seen = [];

        public Dictionary<string, string?> Environment(IReadOnlyDictionary<string, string?>? extra)
        {
            var environment = new Dictionary<string, string?>
            {
                ["LOCKSTEP_RESIDENT"] = "1",
                ["LOCKSTEP_RESIDENT_DIR"] = Folder,
                ["LOCKSTEP_RESIDENT_IDLE_SECONDS"] = idleSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
            };
            foreach (var (name, value) in extra ?? new Dictionary<string, string?>())
            {
                environment[name] = value;
            }
            return environment;
        }

        public Task<CliResult> RunAsync(TempWorkspace ws, params string[] arguments) => RunAsync(ws, null, arguments);

        public Task<CliResult> RunAsync(TempWorkspace ws, IReadOnlyDictionary<string, string?>? extra, params string[] arguments) =>
            LockstepProcess.RunAsync(ws.Root, Environment(extra), arguments);

        /// <summary>The pid of a listening resident process (other than <paramref name="except"/>), once its socket is there.</summary>
        public async Task<int> WaitForResidentAsync(int? except = null)
        {
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (DateTime.UtcNow < deadline)
            {
                if (Directory.Exists(Folder))
                {
                    foreach (var socket in Directory.GetFiles(Folder, "*.sock"))
                    {
                        if (ReadPid(socket + ".pid") is { } pid && pid != except && !_dead.Contains(pid) && IsAlive(pid))
                        {
                            _seen.Add(pid);
                            return pid;
                        }
                    }
                }
                await Task.Delay(50);
            }
            throw new TimeoutException($"no resident process listened in {Folder} within 60 s");
        }

        /// <summary>A resident process the test killed: <see cref="WaitForResidentAsync"/> may still see its pid file until a new one replaces it.</summary>
        public void Forget(int pid) => _dead.Add(pid);

        private readonly HashSet<int> _dead = [];

        public async Task<bool> WaitForExitAsync(int pid, TimeSpan limit)
        {
            var deadline = DateTime.UtcNow + limit;
            while (DateTime.UtcNow < deadline)
            {
                if (!IsAlive(pid))
                {
                    return true;
                }
                await Task.Delay(100);
            }
            return false;
        }

        public bool IsAlive(int pid) => File.Exists($"/proc/{pid}/status") && !File.ReadAllText($"/proc/{pid}/status").Contains("State:\tZ", StringComparison.Ordinal);

        private static int? ReadPid(string pidFile)
        {
            try
            {
                return int.TryParse(File.ReadAllText(pidFile).Trim(), out var pid) ? pid : null;
            }
            catch (IOException)
            {
                return null;
            }
        }

        public void Dispose()
        {
            if (Directory.Exists(Folder))
            {
                foreach (var pidFile in Directory.GetFiles(Folder, "*.pid"))
                {
                    if (ReadPid(pidFile) is { } pid)
                    {
                        _seen.Add(pid);
                    }
                }
            }
            foreach (var pid in _seen)
            {
                try
                {
                    using var p = Process.GetProcessById(pid);
                    if (p.ProcessName is "lockstep" or "dotnet")
                    {
                        p.Kill();
                        p.WaitForExit(10_000);
                    }
                }
                catch (ArgumentException)
                {
                }
                catch (InvalidOperationException)
                {
                }
            }
            try
            {
                Directory.Delete(Folder, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
