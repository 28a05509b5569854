using System.Text.Json.Nodes;
using Lockstep.Errors;
using Lockstep.Pipelines;

namespace Lockstep.Tests.Pipelines;

public sealed class PipelineLoaderTests
{
    private static PipelineException Fails(string yaml) => Should.Throw<PipelineException>(() => PipelineLoader.Parse(yaml, "p.yaml"));

    [Fact]
    public void A_valid_pipeline_keeps_types_of_parameters_and_locations()
    {
        var p = PipelineLoader.Parse("""
            version: 1
            name: demo
            seed: 42
            params:
              lr: 0.1
            steps:
              - id: a
                type: command
                outputs: [x]
                params:
                  run: "echo 1"
                  n: 3
                  flag: true
                  quoted: "3"
            """, "p.yaml");
        p.Name.ShouldBe("demo");
        p.Seed.ShouldBe(42);
        p.Parameters["lr"].Value!.GetValue<double>().ShouldBe(0.1);
        var step = p.Steps.ShouldHaveSingleItem();
        step.Parameters["n"].Value!.GetValue<long>().ShouldBe(3);
        step.Parameters["flag"].Value!.GetValue<bool>().ShouldBeTrue();
        step.Parameters["quoted"].Value!.GetValue<string>().ShouldBe("3");
        step.Parameters["n"].Location!.Line.ShouldBe(12);
        step.Outputs!.Select(o => o.Name).ShouldBe(["x"]);
    }

    [Fact]
    public void Malformed_yaml_names_the_line_and_column()
    {
        var e = Fails("name: x\nsteps:\n  - id: a\n   type: b\n");
        e.Problems.ShouldHaveSingleItem().Location.ShouldNotBeNull();
        e.Message.ShouldStartWith("p.yaml:");
        e.Message.ShouldContain("not valid YAML");
    }

    [Fact]
    public void An_unknown_key_is_named_with_a_suggestion()
    {
        var e = Fails("name: x\nstep:\n  - id: a\n    type: command\n");
        e.Message.ShouldContain("p.yaml:2:1");
        e.Message.ShouldContain("unknown pipeline key 'step'");
        e.Message.ShouldContain("Did you mean 'steps'?");
    }

    [Fact]
    public void An_unknown_step_key_is_named()
    {
        var e = Fails("name: x\nsteps:\n  - id: a\n    type: command\n    param: {}\n");
        e.Message.ShouldContain("p.yaml:5:5");
        e.Message.ShouldContain("Did you mean 'params'?");
    }

    [Fact]
    public void Every_problem_is_reported_not_just_the_first()
    {
        var e = Fails("name: x\nseed: -3\nsteps:\n  - type: command\n  - id: 9bad\n    type: command\n");
        e.Problems.Count.ShouldBe(3);
        e.Message.ShouldContain("'seed' must be a non-negative integer");
        e.Message.ShouldContain("has no 'id'");
        e.Message.ShouldContain("step id '9bad'");
    }

    [Fact]
    public void A_pipeline_without_steps_is_an_error() =>
        Fails("name: x\n").Message.ShouldContain("has no 'steps'");

    [Fact]
    public void An_empty_file_is_an_error() =>
        Fails("").Message.ShouldContain("p.yaml:1:1");

    [Fact]
    public void The_resolved_json_reads_back_to_the_same_pipeline()
    {
        var p = PipelineLoader.Parse("name: x\nseed: 5\nparams: {a: 1}\nsteps:\n  - id: s\n    type: command\n    inputs: {i: data/f.csv}\n    outputs: [o]\n    params: {run: echo}\n", "p.yaml");
        var back = PipelineDefinition.FromJson(p.ToCanonicalJson(), "recorded");
        back.ToCanonicalJson().ShouldBe(p.ToCanonicalJson());
        back.Steps[0].Inputs[0].Source.ShouldBe("data/f.csv");
    }

    [Fact]
    public void A_future_format_version_is_refused() =>
        Fails("version: 2\nname: x\nsteps:\n  - id: a\n    type: command\n").Message.ShouldContain("'version' must be 1");

    [Fact]
    public void Plain_scalars_follow_the_yaml_core_schema()
    {
        YamlScalars.ParsePlain("null").ShouldBeNull();
        YamlScalars.ParsePlain("true")!.GetValue<bool>().ShouldBeTrue();
        YamlScalars.ParsePlain("-12")!.GetValue<long>().ShouldBe(-12);
        YamlScalars.ParsePlain("1e-3")!.GetValue<double>().ShouldBe(0.001);
        YamlScalars.ParsePlain("0.05abc")!.GetValue<string>().ShouldBe("0.05abc");
        ((JsonValue)YamlScalars.ParsePlain("yes")!).GetValue<string>().ShouldBe("yes");
    }
}
