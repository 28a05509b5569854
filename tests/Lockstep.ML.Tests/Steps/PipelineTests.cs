using Lockstep.Storage;
using Lockstep.Steps;

namespace Lockstep.ML.Tests.Steps;

/// <summary>The ML steps end to end through the core planner and runner, on a real SQLite store.</summary>
public sealed class PipelineTests
{
    private static string Pipeline(string gateChecks = "auc: \">= 0.80\", latency_p99_ms: \"<= 50\", bundle_mb: \"<= 50\"", int iterations = 30, string trainer = "lightgbm", string alias = "production") => $$"""
        version: 1
        name: adult-test
        seed: 7
        steps:
          - id: split
            type: split
            inputs: { data: adult.csv }
            params: { method: stratified, label: income, test_fraction: 0.3 }
          - id: train
            type: train
            inputs: { train: split.train }
            params: { label: income, positive_class: ">50K", trainer: {{trainer}}, scale: standard, hyperparameters: { iterations: {{iterations}} } }
          - id: evaluate
            type: evaluate
            inputs: { bundle: train.bundle, test: split.test }
          - id: profile
            type: profile
            inputs: { bundle: evaluate.bundle, sample: split.test }
            params: { predictions: 300, rows: 100 }
          - id: gate
            type: gate
            inputs: { metrics: evaluate.metrics, profile: profile.profile }
            params:
              checks: { {{gateChecks}} }
              compare_to: adult@production
              margin: 0.01
          - id: register
            type: register
            inputs: { bundle: evaluate.bundle, metrics: evaluate.metrics, profile: profile.profile, gate: gate.verdict }
            params: { name: adult, alias: {{alias}} }
        """;

    [Fact]
    public async Task The_pipeline_ends_in_a_registered_gated_bundle_with_its_run_and_metrics_recorded()
    {
        await using var ws = await PipelineWorkspace.CreateAsync();

        var result = await ws.RunAsync(Pipeline());

        result.Succeeded.ShouldBeTrue(string.Join("\n", result.Steps.Select(s => $"{s.StepId}: {s.Error}")));
        var version = (await ws.Store.Models.FindAsync(ModelReference.Parse("adult@production"), default)).ShouldNotBeNull();
        version.Version.ShouldBe(1);
        version.RunId.ShouldBe(result.Run.Id);
        version.MetricsJson.ShouldContain("\"auc\"");
        version.MetricsJson.ShouldContain("\"latency_p99_ms\"");
        version.LineageJson.ShouldContain(result.Run.Id);
        var evaluated = result.Steps.Single(s => s.StepId == "evaluate").Outputs.Single(o => o.Name == "bundle");
        version.BundleHash.ShouldBe(evaluated.Hash);
        ws.Store.Objects.Exists(version.BundleHash).ShouldBeTrue();
    }

    [Fact]
    public async Task A_failed_gate_stops_the_pipeline_before_registration_and_says_by_how_much()
    {
        await using var ws = await PipelineWorkspace.CreateAsync();

        var result = await ws.RunAsync(Pipeline(gateChecks: "auc: \">= 0.999\""));

        result.Succeeded.ShouldBeFalse();
        var gate = result.Steps.Single(s => s.StepId == "gate");
        gate.Status.ShouldBe(StepStatus.Failed);
        gate.Error.ShouldNotBeNull().ShouldContain("auc: 0.");
        gate.Error.ShouldContain("misses >= 0.999 by");
        result.Steps.Single(s => s.StepId == "register").Status.ShouldNotBe(StepStatus.Succeeded);
        (await ws.Store.Models.ListModelsAsync(default)).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_model_worse_than_the_one_in_production_is_not_registered()
    {
        await using var ws = await PipelineWorkspace.CreateAsync();
        (await ws.RunAsync(Pipeline())).Succeeded.ShouldBeTrue();

        var worse = await ws.RunAsync(Pipeline(iterations: 1, trainer: "fasttree"));

        worse.Succeeded.ShouldBeFalse();
        worse.Steps.Single(s => s.StepId == "gate").Error.ShouldNotBeNull().ShouldContain("auc vs adult@1");
        (await ws.Store.Models.ListVersionsAsync("adult", default)).Count.ShouldBe(1);
    }

    [Fact]
    public async Task Reproducing_a_run_gives_identical_split_model_bundle_metrics_and_report()
    {
        await using var ws = await PipelineWorkspace.CreateAsync();
        var first = await ws.RunAsync(Pipeline());

        var report = await ws.ReproduceAsync(first.Run.Id);

        foreach (var id in new[] { "split", "train", "evaluate" })
        {
            var step = report.Steps.Single(s => s.StepId == id);
            step.Identical.ShouldBeTrue($"{id}: {step.Cause}");
        }
        report.Steps.Single(s => s.StepId == "register").Identical.ShouldBeTrue();
    }

    [Fact]
    public async Task A_second_run_reruns_only_the_gate_whose_alias_moved_and_a_third_reuses_every_step()
    {
        await using var ws = await PipelineWorkspace.CreateAsync();
        await ws.RunAsync(Pipeline());

        // The first run registered the model and moved adult@production, which the gate compares
        // against: that outside state is part of the gate's cache key.
        var second = await ws.RunAsync(Pipeline());
        second.Steps.Where(s => !s.Cached).Select(s => s.StepId).ShouldBe(["gate", "register"], ignoreOrder: true);
        second.Steps.Single(s => s.StepId == "gate").CacheReason.ShouldStartWith("external state changed: adult@production = none → adult@production = version 1");

        var third = await ws.RunAsync(Pipeline());
        third.Steps.ShouldAllBe(s => s.Cached);
    }

    [Fact]
    public async Task Tuning_records_every_trial_and_the_train_step_uses_the_best()
    {
        await using var ws = await PipelineWorkspace.CreateAsync(rows: 1500);
        var yaml = """
            version: 1
            name: tune-test
            seed: 3
            steps:
              - id: tune
                type: tune
                inputs: { train: adult.csv }
                params: { label: income, hyperparameters: { iterations: 10 }, space: { leaves: [4, 8], learning_rate: { min: 0.05, max: 0.3, log: true } }, search: random, trials: 3, folds: 3 }
              - id: train
                type: train
                inputs: { train: adult.csv, tuned: tune.result }
                params: { label: income }
            """;

        var result = await ws.RunAsync(yaml);

        result.Succeeded.ShouldBeTrue(string.Join("\n", result.Steps.Select(s => $"{s.StepId}: {s.Error}")));
        var tuneOut = result.Steps.Single(s => s.StepId == "tune").Outputs.Single();
        var doc = System.Text.Json.Nodes.JsonNode.Parse(await ws.Store.Objects.ReadVerifiedAsync(tuneOut.Hash, default))!;
        doc["trials"]!.AsArray().Count.ShouldBe(3);
        doc["metric"]!.GetValue<string>().ShouldBe("auc");
        result.Steps.Single(s => s.StepId == "train").Log.ShouldContain("using the tuned hyperparameters");
        result.Steps.Single(s => s.StepId == "tune").Metrics.Keys.ShouldContain("trial_1_ms");
    }

    [Fact]
    public async Task A_schema_given_to_train_becomes_the_bundles_request_expectations()
    {
        await using var ws = await PipelineWorkspace.CreateAsync(1000);
        await File.WriteAllTextAsync(Path.Combine(ws.Root, "schema.yaml"), """
            format: schema/1
            columns:
              age: {type: int64, nullable: false, min: 0, max: 120}
            """);

        var result = await ws.RunAsync("""
            version: 1
            name: declared
            seed: 3
            steps:
              - id: train
                type: train
                inputs: { train: adult.csv, schema: schema.yaml }
                params: { label: income, positive_class: ">50K", trainer: lightgbm, hyperparameters: { iterations: 5 } }
            """);

        result.Succeeded.ShouldBeTrue(string.Join("\n", result.Steps.Select(s => $"{s.StepId}: {s.Error}")));
        var bundle = Lockstep.ML.Bundles.ModelBundle.FromBytes(await ws.Store.Objects.ReadVerifiedAsync(result.Steps.Single().Outputs.Single(o => o.Name == "bundle").Hash, default), "bundle");
        bundle.Expectations.Find("age")!.Max.ShouldBe(120);
        bundle.Expectations.Find("age")!.Min.ShouldBe(0);
        // Columns the schema does not declare keep the ranges inferred from the training rows.
        bundle.Expectations.Find("hours-per-week")!.Max.ShouldNotBeNull();
    }
}
