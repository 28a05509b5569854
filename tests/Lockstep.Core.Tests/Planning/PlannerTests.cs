using Lockstep.Errors;
using Lockstep.Tests.Support;

namespace Lockstep.Tests.Planning;

public sealed class PlannerTests : IAsyncLifetime
{
    private Harness _h = null!;

    public async Task InitializeAsync() => _h = await Harness.CreateAsync();

    public async Task DisposeAsync() => await _h.DisposeAsync();

    private PipelineException Fails(string yaml, params string[] overrides) => Should.Throw<PipelineException>(() => _h.Plan(yaml, overrides));

    [Fact]
    public void Steps_are_ordered_so_that_producers_come_first()
    {
        var plan = _h.Plan("""
            name: p
            steps:
              - id: c
                type: concat
                inputs: {x: b.out}
              - id: b
                type: concat
                inputs: {x: a.out}
              - id: a
                type: concat
            """);
        plan.Steps.Select(s => s.Id).ShouldBe(["a", "b", "c"]);
        plan.Downstream("a").ShouldBe(["b", "c"], ignoreOrder: true);
    }

    [Fact]
    public void An_unknown_step_type_is_named_with_a_suggestion_and_the_known_types()
    {
        var e = Fails("name: p\nsteps:\n  - id: a\n    type: concatt\n");
        e.Message.ShouldContain("lockstep.yaml:4:11");
        e.Message.ShouldContain("unknown type 'concatt'");
        e.Message.ShouldContain("Did you mean 'concat'?");
        e.Message.ShouldContain("'command'");
    }

    [Fact]
    public void Duplicate_ids_are_refused() =>
        Fails("name: p\nsteps:\n  - id: a\n    type: concat\n  - id: a\n    type: concat\n").Message.ShouldContain("step id 'a' is used twice");

    [Fact]
    public void A_cycle_is_refused_and_shown()
    {
        var e = Fails("name: p\nsteps:\n  - id: a\n    type: concat\n    inputs: {x: b.out}\n  - id: b\n    type: concat\n    inputs: {x: a.out}\n");
        e.Message.ShouldContain("cycle");
        e.Message.ShouldContain("a → b → a");
    }

    [Fact]
    public void A_parameter_of_the_wrong_kind_is_refused_where_it_is_written()
    {
        var e = Fails("name: p\nsteps:\n  - id: a\n    type: concat\n    params:\n      repeat: lots\n");
        e.Message.ShouldContain("lockstep.yaml:6:15");
        e.Message.ShouldContain("parameter 'repeat' must be an integer");
    }

    [Fact]
    public void An_unknown_parameter_gets_a_suggestion() =>
        Fails("name: p\nsteps:\n  - id: a\n    type: concat\n    params:\n      sufix: x\n").Message.ShouldContain("Did you mean 'suffix'?");

    [Fact]
    public void A_missing_required_parameter_is_named() =>
        Fails("name: p\nsteps:\n  - id: a\n    type: command\n    outputs: [o]\n").Message.ShouldContain("needs parameter 'run'");

    [Fact]
    public void An_input_from_an_output_that_does_not_exist_is_refused() =>
        Fails("name: p\nsteps:\n  - id: a\n    type: concat\n  - id: b\n    type: concat\n    inputs: {x: a.result}\n").Message.ShouldContain("step 'a' has no output 'result'");

    [Fact]
    public void A_missing_input_file_is_refused_before_anything_runs()
    {
        var e = Fails("name: p\nsteps:\n  - id: a\n    type: concat\n    inputs: {x: data/none.csv}\n");
        e.Message.ShouldContain("lockstep.yaml:5:17");
        e.Message.ShouldContain("file 'data/none.csv' does not exist");
    }

    [Fact]
    public void A_command_placeholder_for_an_undeclared_output_is_refused() =>
        Fails("name: p\nsteps:\n  - id: a\n    type: command\n    outputs: [o]\n    params: {run: 'echo > ${outputs.out}'}\n").Message.ShouldContain("${outputs.out}");

    [Fact]
    public void Shared_parameters_are_substituted_with_their_type()
    {
        var plan = _h.Plan("name: p\nparams: {n: 3, s: abc}\nsteps:\n  - id: a\n    type: concat\n    params: {repeat: '${params.n}', suffix: 'x-${params.s}'}\n");
        plan.Steps[0].Parameters.GetInt64("repeat").ShouldBe(3);
        plan.Steps[0].Parameters.GetString("suffix").ShouldBe("x-abc");
    }

    [Fact]
    public void Overrides_from_the_command_line_win()
    {
        var plan = _h.Plan("name: p\nparams: {n: 3}\nsteps:\n  - id: a\n    type: concat\n    params: {repeat: '${params.n}', suffix: a}\n", "a.suffix=b", "params.n=5", "seed=9");
        plan.Steps[0].Parameters.GetInt64("repeat").ShouldBe(5);
        plan.Steps[0].Parameters.GetString("suffix").ShouldBe("b");
        plan.Pipeline.Seed.ShouldBe(9);
    }

    [Fact]
    public void An_override_of_an_unknown_step_is_refused() =>
        Fails("name: p\nsteps:\n  - id: train\n    type: concat\n", "trian.suffix=1").Message.ShouldContain("Did you mean 'train'?");

    [Fact]
    public void An_unknown_shared_parameter_reference_is_refused() =>
        Fails("name: p\nsteps:\n  - id: a\n    type: concat\n    params: {suffix: '${params.nope}'}\n").Message.ShouldContain("'${params.nope}'");

    [Fact]
    public void A_file_named_like_a_steps_output_gets_a_hint_to_write_it_as_a_path()
    {
        File.WriteAllText(Path.Combine(_h.Root, "a.csv"), "x\n");

        var own = Fails("name: p\nsteps:\n  - id: a\n    type: concat\n    inputs: {x: a.csv}\n");
        own.Message.ShouldContain("To read the file 'a.csv' instead, write './a.csv'");
        var other = Fails("name: p\nsteps:\n  - id: a\n    type: concat\n  - id: b\n    type: concat\n    inputs: {x: a.csv}\n");
        other.Message.ShouldContain("write './a.csv'");

        _h.Plan("name: p\nsteps:\n  - id: a\n    type: concat\n    inputs: {x: ./a.csv}\n").Steps.Count.ShouldBe(1);
    }
}
