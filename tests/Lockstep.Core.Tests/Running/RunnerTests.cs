using Lockstep.Running;
using Lockstep.Storage;
using Lockstep.Tests.Support;

namespace Lockstep.Tests.Running;

public sealed class RunnerTests : IAsyncLifetime
{
    private const string Chain = """
        name: chain
        seed: 11
        steps:
          - id: a
            type: concat
            inputs: {src: input.txt}
            params: {suffix: "-a"}
          - id: b
            type: concat
            inputs: {x: a.out}
            params: {suffix: "-b"}
          - id: c
            type: concat
            inputs: {x: b.out}
            params: {suffix: "-c"}
          - id: side
            type: concat
            inputs: {src: input.txt}
            params: {suffix: "-side"}
        """;

    private Harness _h = null!;

    public async Task InitializeAsync()
    {
        _h = await Harness.CreateAsync();
        _h.File("input.txt", "hello");
    }

    public async Task DisposeAsync() => await _h.DisposeAsync();

    private static StepRunRecord Step(RunResult r, string id) => r.Steps.Single(s => s.StepId == id);

    [Fact]
    public async Task A_run_produces_every_output_in_the_store_and_records_it()
    {
        var r = await _h.RunAsync(Chain);
        r.Succeeded.ShouldBeTrue(r.Run.Error);
        var c = Step(r, "c");
        (await File.ReadAllTextAsync(await _h.Store.Objects.GetVerifiedPathAsync(c.Outputs[0].Hash, default))).ShouldBe("hello-a-b-c");
        c.Metrics["length"].ShouldBe(11);
        var recorded = await _h.Store.Metadata.GetStepRunsAsync(r.Run.Id, default);
        recorded.Select(s => s.StepId).ShouldBe(["a", "b", "c", "side"], ignoreOrder: true);
        (await _h.Store.Metadata.FindRunAsync(r.Run.Id, default))!.Status.ShouldBe(RunStatus.Succeeded);
    }

    [Fact]
    public async Task The_second_run_executes_no_step()
    {
        await _h.RunAsync(Chain);
        var executions = _h.Concat.Executions;
        var r = await _h.RunAsync(Chain);
        r.Steps.ShouldAllBe(s => s.Cached);
        _h.Concat.Executions.ShouldBe(executions);
        Step(r, "c").Metrics["length"].ShouldBe(11);
    }

    [Fact]
    public async Task Changing_a_parameter_reruns_exactly_the_steps_downstream_and_says_why()
    {
        await _h.RunAsync(Chain);
        var r = await _h.RunAsync(Chain, "b.suffix=-B");
        Step(r, "a").Cached.ShouldBeTrue();
        Step(r, "side").Cached.ShouldBeTrue();
        Step(r, "b").Cached.ShouldBeFalse();
        Step(r, "b").CacheReason.ShouldBe("parameter suffix changed \"-b\" → \"-B\"");
        Step(r, "c").Cached.ShouldBeFalse();
        Step(r, "c").CacheReason.ShouldStartWith("input x changed");
    }

    [Fact]
    public async Task A_changed_input_file_reruns_its_readers()
    {
        await _h.RunAsync(Chain);
        _h.File("input.txt", "bye");
        var r = await _h.RunAsync(Chain);
        r.Steps.ShouldAllBe(s => !s.Cached);
        Step(r, "a").CacheReason.ShouldStartWith("input src changed");
    }

    [Fact]
    public async Task A_step_whose_output_changes_back_reuses_the_earlier_result_downstream()
    {
        await _h.RunAsync(Chain);
        await _h.RunAsync(Chain, "a.suffix=-z");
        var r = await _h.RunAsync(Chain);
        r.Steps.ShouldAllBe(s => s.Cached);
    }

    [Fact]
    public async Task Force_reruns_everything_and_force_of_one_step_reruns_only_it()
    {
        await _h.RunAsync(Chain);
        var all = await _h.RunAsync(Chain, new RunOptions { ForceAll = true });
        all.Steps.ShouldAllBe(s => !s.Cached && s.CacheReason == "forced (--force)");
        var one = await _h.RunAsync(Chain, new RunOptions { ForceSteps = new HashSet<string> { "b" } });
        one.Steps.Where(s => !s.Cached).Select(s => s.StepId).ShouldBe(["b"]);
    }

    [Fact]
    public async Task A_corrupt_cached_output_is_never_reused()
    {
        var first = await _h.RunAsync(Chain);
        var hash = Step(first, "a").Outputs[0].Hash;
        var path = _h.Store.FileObjects.PathOf(hash);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        await File.WriteAllTextAsync(path, "HELLO-a");
        var r = await _h.RunAsync(Chain);
        Step(r, "a").Cached.ShouldBeFalse();
        Step(r, "a").CacheReason.ShouldContain("is corrupt");
        Step(r, "b").Cached.ShouldBeTrue();
        (await _h.Store.Objects.CheckAsync(hash, default)).State.ShouldBe(ObjectState.Ok);
    }

    [Fact]
    public async Task An_input_that_vanishes_after_planning_fails_the_run_before_any_step_naming_the_input()
    {
        // The external files are hashed on another thread while the run record is written: a file
        // that cannot be read must still fail the run where it did, with the same message and record.
        var plan = _h.Plan(Chain);
        File.Delete(Path.Combine(_h.Root, "input.txt"));
        var r = await new Runner(_h.Store, _h.Registry).RunAsync(plan, new RunOptions(), CancellationToken.None);
        r.Succeeded.ShouldBeFalse();
        r.Run.Status.ShouldBe(RunStatus.Failed);
        r.Run.Error.ShouldStartWith("step 'a' input 'src': cannot read input.txt: ");
        r.Run.Error.ShouldContain("input.txt");
        r.Steps.ShouldBeEmpty();
        var stored = await _h.Store.Metadata.FindRunAsync(r.Run.Id, default);
        stored!.Status.ShouldBe(RunStatus.Failed);
        stored.Error.ShouldBe(r.Run.Error);
        (await _h.Store.Metadata.GetStepRunsAsync(r.Run.Id, default)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Inputs_hashed_ahead_are_the_hashes_of_the_files_and_an_edit_between_runs_is_seen()
    {
        var first = await _h.RunAsync(Chain);
        Step(first, "a").Inputs.Single().Hash.ShouldBe(Lockstep.Hashing.ContentHasher.HashString("hello"));
        _h.File("input.txt", "HELLO");
        var second = await _h.RunAsync(Chain);
        Step(second, "a").Inputs.Single().Hash.ShouldBe(Lockstep.Hashing.ContentHasher.HashString("HELLO"));
        Step(second, "a").Cached.ShouldBeFalse();
        Step(second, "side").Cached.ShouldBeFalse();
    }

    [Fact]
    public async Task A_failing_step_fails_the_run_skips_its_dependents_and_lets_others_finish()
    {
        var r = await _h.RunAsync(Chain, "b.fail=true");
        r.Succeeded.ShouldBeFalse();
        Step(r, "b").Status.ShouldBe(StepStatus.Failed);
        Step(r, "b").Error!.ShouldStartWith("step 'b' (concat) failed: InvalidOperationException: asked to fail");
        Step(r, "b").Log.ShouldContain("at Lockstep.Tests.Support.ConcatStep");
        Step(r, "c").Status.ShouldBe(StepStatus.Skipped);
        Step(r, "side").Status.ShouldBe(StepStatus.Succeeded);
        r.Run.Status.ShouldBe(RunStatus.Failed);
        var again = await _h.RunAsync(Chain);
        Step(again, "a").Cached.ShouldBeTrue();
        Step(again, "b").Cached.ShouldBeFalse();
    }

    [Fact]
    public async Task A_run_waited_for_on_a_thread_of_its_own_runs_reuses_and_fails_as_one_awaited_on_the_pool()
    {
        // The CLI waits for the runner on its main thread, and tells the runner to block that
        // thread instead of suspending: the outcome must be the one an awaiting caller gets.
        RunResult OnOwnThread(params string[] overrides)
        {
            RunResult? result = null;
            Exception? failure = null;
            var onPool = true;
            var thread = new Thread(() =>
            {
                onPool = Thread.CurrentThread.IsThreadPoolThread;
                try
                {
                    result = _h.RunAsync(Chain, new RunOptions { WaitOnCallingThread = true }, overrides).GetAwaiter().GetResult();
                }
#pragma warning disable CA1031 // rethrown on the test's thread below
                catch (Exception e)
#pragma warning restore CA1031
                {
                    failure = e;
                }
            });
            thread.Start();
            thread.Join();
            onPool.ShouldBeFalse();
            return failure is null ? result! : throw new InvalidOperationException("the run threw", failure);
        }

        var first = OnOwnThread();
        first.Succeeded.ShouldBeTrue(first.Run.Error);
        first.Steps.Select(s => s.StepId).ShouldBe(["a", "b", "c", "side"]);
        first.Steps.ShouldAllBe(s => !s.Cached && s.Status == StepStatus.Succeeded);
        var cached = OnOwnThread();
        cached.Steps.ShouldAllBe(s => s.Cached && s.CacheReason == $"cached: same code, parameters, inputs and environment as run {first.Run.Id}");
        var pooled = await Task.Run(() => _h.RunAsync(Chain));
        pooled.Steps.Select(s => (s.StepId, s.Cached, s.CacheReason)).ShouldBe(cached.Steps.Select(s => (s.StepId, s.Cached, s.CacheReason)));
        (await _h.Store.Metadata.GetStepRunsAsync(cached.Run.Id, default)).Count.ShouldBe(4);
        var failed = OnOwnThread("b.fail=true");
        failed.Run.Status.ShouldBe(RunStatus.Failed);
        Step(failed, "b").Error!.ShouldStartWith("step 'b' (concat) failed: InvalidOperationException: asked to fail");
        Step(failed, "c").Status.ShouldBe(StepStatus.Skipped);
        Step(failed, "side").Cached.ShouldBeTrue();
    }

    [Fact]
    public async Task Independent_steps_run_in_parallel()
    {
        using var barrier = new Barrier(2);
        await using var h = await Harness.CreateAsync(new RendezvousStep(barrier));
        var r = await h.RunAsync("name: p\nsteps:\n  - id: x\n    type: rendezvous\n    params: {tag: x}\n  - id: y\n    type: rendezvous\n    params: {tag: y}\n", new RunOptions { MaxParallelism = 2 });
        foreach (var s in r.Steps)
        {
            (await File.ReadAllTextAsync(await h.Store.Objects.GetVerifiedPathAsync(s.Outputs[0].Hash, default))).ShouldBe("met");
        }
    }

    [Fact]
    public async Task A_run_without_a_seed_gets_one_generated_and_recorded()
    {
        var r = await _h.RunAsync("name: p\nsteps:\n  - id: r\n    type: seeded\n");
        r.Run.SeedGenerated.ShouldBeTrue();
        var stored = await _h.Store.Metadata.FindRunAsync(r.Run.Id, default);
        stored!.Seed.ShouldBe(r.Run.Seed);
        stored.ConfigJson.ShouldContain($"\"seed\":{r.Run.Seed}");
    }

    [Fact]
    public async Task The_same_seed_gives_the_same_bytes_and_another_seed_other_bytes()
    {
        const string yaml = "name: p\nseed: 1\nsteps:\n  - id: r\n    type: seeded\n";
        var one = Step(await _h.RunAsync(yaml, new RunOptions { ForceAll = true }), "r").Outputs[0].Hash;
        var again = Step(await _h.RunAsync(yaml, new RunOptions { ForceAll = true }), "r").Outputs[0].Hash;
        var other = await _h.RunAsync(yaml, "seed=2");
        again.ShouldBe(one);
        Step(other, "r").Outputs[0].Hash.ShouldNotBe(one);
        Step(other, "r").CacheReason.ShouldContain("seed changed");
    }

    [Fact]
    public async Task Derived_step_seeds_are_stable_and_differ_between_steps()
    {
        RunEnvironment.DeriveSeed(42, "a").ShouldBe(RunEnvironment.DeriveSeed(42, "a"));
        RunEnvironment.DeriveSeed(42, "a").ShouldNotBe(RunEnvironment.DeriveSeed(42, "b"));
        var r = await _h.RunAsync("name: p\nseed: 42\nsteps:\n  - id: a\n    type: seeded\n");
        Step(r, "a").Seed.ShouldBe(RunEnvironment.DeriveSeed(42, "a"));
    }

    [Fact]
    public async Task The_run_records_environment_and_source()
    {
        var r = await _h.RunAsync(Chain);
        var env = System.Text.Json.Nodes.JsonNode.Parse(r.Run.EnvironmentJson)!;
        env["runtime"]!.GetValue<string>().ShouldStartWith(".NET");
        env["arch"]!.GetValue<string>().ShouldNotBeNullOrEmpty();
        env["assemblies"]!["Lockstep.Core"].ShouldNotBeNull();
        System.Text.Json.Nodes.JsonNode.Parse(r.Run.SourceJson)!["vcs"]!.GetValue<string>().ShouldBe("none");
    }

    [Fact]
    public async Task Run_ids_are_the_start_time_and_six_random_hex_digits()
    {
        var first = await _h.RunAsync(Chain);
        var second = await _h.RunAsync(Chain);
        first.Run.Id.ShouldMatch("^[0-9]{8}-[0-9]{6}-[0-9a-f]{6}$");
        first.Run.Id[..15].ShouldBe(first.Run.StartedAt.UtcDateTime.ToString("yyyyMMdd-HHmmss", System.Globalization.CultureInfo.InvariantCulture));
        second.Run.Id.ShouldNotBe(first.Run.Id);
    }

    [Fact]
    public async Task A_command_step_reads_inputs_and_writes_outputs_through_placeholders()
    {
        var r = await _h.RunAsync("""
            name: p
            steps:
              - id: up
                type: command
                inputs: {text: input.txt}
                outputs: [loud]
                params: {run: "tr a-z A-Z < ${inputs.text} > ${outputs.loud} && echo done"}
            """);
        var step = Step(r, "up");
        step.Status.ShouldBe(StepStatus.Succeeded);
        step.Log.ShouldContain("done");
        (await File.ReadAllTextAsync(await _h.Store.Objects.GetVerifiedPathAsync(step.Outputs[0].Hash, default))).ShouldBe("HELLO");
    }

    [Fact]
    public async Task A_failing_command_reports_its_exit_code_and_last_output()
    {
        var r = await _h.RunAsync("name: p\nsteps:\n  - id: bad\n    type: command\n    outputs: [o]\n    params: {run: 'echo oops >&2; exit 3'}\n");
        var step = Step(r, "bad");
        step.Error!.ShouldContain("command exited with code 3");
        step.Error!.ShouldContain("oops");
    }

    [Fact]
    public async Task A_command_that_forgets_an_output_fails_naming_it()
    {
        var r = await _h.RunAsync("name: p\nsteps:\n  - id: lazy\n    type: command\n    outputs: [o]\n    params: {run: 'true'}\n");
        Step(r, "lazy").Error!.ShouldContain("did not write output 'o'");
    }

    [Fact]
    public async Task A_change_in_the_outside_state_a_step_reads_reruns_it_and_says_so()
    {
        var external = new ExternalStateStep();
        await using var h = await Harness.CreateAsync(external);
        const string yaml = "name: p\nsteps:\n  - id: g\n    type: external\n";
        (await h.RunAsync(yaml)).Steps[0].Cached.ShouldBeFalse();
        (await h.RunAsync(yaml)).Steps[0].Cached.ShouldBeTrue();
        external.State = "alias=2";
        var changed = (await h.RunAsync(yaml)).Steps[0];
        changed.Cached.ShouldBeFalse();
        changed.CacheReason.ShouldBe("external state changed: alias=1 → alias=2");
    }
}
