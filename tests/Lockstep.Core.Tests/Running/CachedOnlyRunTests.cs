using Lockstep.Running;
using Lockstep.Storage;
using Lockstep.Tests.Support;

namespace Lockstep.Tests.Running;

/// <summary>
/// <see cref="Runner.CheckFullyCachedAsync"/> and <see cref="RunOptions.CachedOnly"/>, what the
/// resident process relies on (docs/resident.md): the check says yes exactly when a run would
/// execute nothing, writes nothing, and a cached-only run never executes a step.
/// </summary>
public sealed class CachedOnlyRunTests : IAsyncLifetime
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
          - id: s
            type: seeded
        """;

    private Harness _h = null!;

    public async Task InitializeAsync()
    {
        _h = await Harness.CreateAsync();
        _h.File("input.txt", "hello");
    }

    public async Task DisposeAsync() => await _h.DisposeAsync();

    private Task<CachedPlanCheck?> CheckAsync(string yaml, RunOptions? options = null, params string[] overrides) =>
        new Runner(_h.Store, _h.Registry).CheckFullyCachedAsync(_h.Plan(yaml, overrides), options ?? new RunOptions(), CancellationToken.None);

    private async Task<int> RunCountAsync() => (await _h.Store.Metadata.ListRunsAsync(1000, CancellationToken.None)).Count;

    [Fact]
    public async Task The_check_says_yes_exactly_when_a_run_would_execute_nothing_and_writes_nothing()
    {
        (await CheckAsync(Chain)).ShouldBeNull("nothing is cached yet");
        (await _h.RunAsync(Chain)).Succeeded.ShouldBeTrue();
        var runs = await RunCountAsync();
        var objects = _h.Store.Objects.List().Count();

        (await CheckAsync(Chain)).ShouldNotBeNull();
        (await CheckAsync(Chain, null, "b.suffix=-B")).ShouldBeNull("a changed parameter");
        (await CheckAsync(Chain, new RunOptions { ForceAll = true })).ShouldBeNull("--force");
        (await CheckAsync(Chain, new RunOptions { ForceSteps = new HashSet<string> { "b" } })).ShouldBeNull("--force b");
        _h.File("input.txt", "changed");
        (await CheckAsync(Chain)).ShouldBeNull("a changed input file, not yet stored");

        (await RunCountAsync()).ShouldBe(runs, "the check records nothing");
        _h.Store.Objects.List().Count().ShouldBe(objects, "the check stores nothing");
    }

    [Fact]
    public async Task A_damaged_cached_output_makes_the_check_say_no()
    {
        var first = await _h.RunAsync(Chain);
        var output = first.Steps.Single(s => s.StepId == "b").Outputs[0].Hash;
        var path = Path.Combine(_h.Root, ".lockstep", "objects", output.Hex[..2], output.Hex[2..]);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.AppendAllText(path, "!");
        (await CheckAsync(Chain)).ShouldBeNull();
    }

    [Fact]
    public async Task Without_a_pipeline_seed_a_step_that_uses_the_run_seed_is_never_reported_cached()
    {
        var unseeded = Chain.Replace("seed: 11\n", "", StringComparison.Ordinal);
        (await _h.RunAsync(unseeded)).Succeeded.ShouldBeTrue();
        (await CheckAsync(unseeded)).ShouldBeNull("each run draws a new seed, so 's' runs again");
        var withoutSeeded = unseeded[..unseeded.IndexOf("  - id: s", StringComparison.Ordinal)];
        (await _h.RunAsync(withoutSeeded)).Succeeded.ShouldBeTrue();
        (await CheckAsync(withoutSeeded)).ShouldNotBeNull("no step uses the seed");
    }

    [Fact]
    public async Task A_run_after_the_check_reuses_every_step_with_the_same_records_as_an_ordinary_run()
    {
        await _h.RunAsync(Chain);
        var ordinary = await _h.RunAsync(Chain);
        var check = await CheckAsync(Chain);
        var executions = _h.Concat.Executions;
        var cachedOnly = await _h.RunAsync(Chain, new RunOptions { CachedOnly = true, Checked = check });

        cachedOnly.Succeeded.ShouldBeTrue(cachedOnly.Run.Error);
        cachedOnly.HandedBack.ShouldBeFalse();
        _h.Concat.Executions.ShouldBe(executions);
        foreach (var step in ordinary.Steps)
        {
            var same = cachedOnly.Steps.Single(s => s.StepId == step.StepId);
            same.Cached.ShouldBeTrue();
            same.CacheKey.ShouldBe(step.CacheKey);
            same.Inputs.ShouldBe(step.Inputs);
            same.Outputs.ShouldBe(step.Outputs);
        }
    }

    [Fact]
    public async Task A_cached_only_run_that_meets_a_step_to_execute_hands_the_run_back_without_executing_it()
    {
        await _h.RunAsync(Chain);
        var executions = _h.Concat.Executions;
        var r = await _h.RunAsync(Chain, new RunOptions { CachedOnly = true }, "b.suffix=-B");

        r.HandedBack.ShouldBeTrue();
        r.Run.Status.ShouldBe(RunStatus.Interrupted);
        r.Run.Error!.ShouldContain("step 'b' is not cached");
        _h.Concat.Executions.ShouldBe(executions, "nothing was executed");
        (await _h.Store.Metadata.FindRunAsync(r.Run.Id, CancellationToken.None))!.Status.ShouldBe(RunStatus.Interrupted);

        var forced = await _h.RunAsync(Chain, new RunOptions { CachedOnly = true, ForceSteps = new HashSet<string> { "a" } });
        forced.HandedBack.ShouldBeTrue();
        _h.Concat.Executions.ShouldBe(executions);
    }
}
