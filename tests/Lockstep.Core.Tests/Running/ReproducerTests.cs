using Lockstep.Running;
using Lockstep.Tests.Support;

namespace Lockstep.Tests.Running;

public sealed class ReproducerTests : IAsyncLifetime
{
    private Harness _h = null!;

    public async Task InitializeAsync() => _h = await Harness.CreateAsync();

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task A_deterministic_run_reproduces_bit_for_bit_even_after_its_input_file_changed()
    {
        _h.File("in.txt", "v1");
        var run = await _h.RunAsync("name: p\nsteps:\n  - id: a\n    type: concat\n    inputs: {x: in.txt}\n    params: {suffix: '!'}\n  - id: r\n    type: seeded\n");
        _h.File("in.txt", "v2 overwritten");
        var report = await new Reproducer(_h.Store, _h.Registry).ReproduceAsync(run.Run.Id, new RunOptions(), default);
        report.Identical.ShouldBeTrue();
        report.Steps.ShouldAllBe(s => s.Identical);
        (await _h.Store.Metadata.FindRunAsync(report.ReproductionRunId, default))!.Reproduces.ShouldBe(run.Run.Id);
    }

    [Fact]
    public async Task A_nondeterministic_step_is_named_as_the_first_divergence()
    {
        var run = await _h.RunAsync("name: p\nsteps:\n  - id: n\n    type: nondeterministic\n  - id: after\n    type: concat\n    inputs: {x: n.out}\n");
        var report = await new Reproducer(_h.Store, _h.Registry).ReproduceAsync(run.Run.Id, new RunOptions(), default);
        report.Identical.ShouldBeFalse();
        report.FirstDivergedStep.ShouldBe("n");
        report.CauseKind.ShouldBe("nondeterministic");
        report.Steps.Single(s => s.StepId == "after").Cause!.ShouldContain("upstream");
    }

    [Fact]
    public async Task A_declared_nondeterministic_step_and_what_it_alone_feeds_are_reported_but_do_not_fail_the_run()
    {
        _h.File("in.txt", "data");
        var run = await _h.RunAsync("name: p\nsteps:\n  - id: model\n    type: concat\n    inputs: {x: in.txt}\n  - id: timing\n    type: measurement\n  - id: verdict\n    type: concat\n    inputs: {t: timing.out}\n  - id: final\n    type: concat\n    inputs: {m: model.out}\n");
        _h.Plan("name: p\nsteps:\n  - id: timing\n    type: measurement\n").Warnings.ShouldHaveSingleItem().ShouldContain("not deterministic");
        var report = await new Reproducer(_h.Store, _h.Registry).ReproduceAsync(run.Run.Id, new RunOptions(), default);
        report.Identical.ShouldBeTrue();
        var timing = report.Steps.Single(s => s.StepId == "timing");
        timing.Compared.ShouldBeFalse();
        timing.Identical.ShouldBeFalse();
        var verdict = report.Steps.Single(s => s.StepId == "verdict");
        verdict.Compared.ShouldBeFalse();
        verdict.Cause!.ShouldContain("'timing'");
        report.Steps.Where(s => s.StepId is "model" or "final").ShouldAllBe(s => s.Compared && s.Identical);
    }

    [Fact]
    public async Task An_unknown_run_is_a_clear_error() =>
        (await Should.ThrowAsync<Errors.LockstepException>(() => new Reproducer(_h.Store, _h.Registry).ReproduceAsync("nope", new RunOptions(), default)))
            .Message.ShouldContain("no run 'nope'");
}
