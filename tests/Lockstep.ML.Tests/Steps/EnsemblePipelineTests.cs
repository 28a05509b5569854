using System.Text.Json.Nodes;
using Lockstep.Errors;
using Lockstep.ML.Bundles;
using Lockstep.ML.Ensembles;
using Lockstep.Running;

namespace Lockstep.ML.Tests.Steps;

/// <summary>Ensembles from the tune step through train, evaluate, profile, gate and register, on real data and a real store.</summary>
public sealed class EnsemblePipelineTests
{
    private static string Pipeline(string ensemble, string label = "income", string task = "binary", string data = "adult.csv", string trials = "space: { leaves: [4, 8, 16] }", string checks = "auc: \">= 0.75\"") => $$"""
        version: 1
        name: ensemble-test
        seed: 11
        steps:
          - id: split
            type: split
            inputs: { data: {{data}} }
            params: { test_fraction: 0.3 }
          - id: tune
            type: tune
            inputs: { train: split.train }
            params:
              label: {{label}}
              task: {{task}}
              hyperparameters: { iterations: 15 }
              {{trials}}
              folds: 3
              ensemble: {{ensemble}}
          - id: train
            type: train
            inputs: { train: split.train, tuned: tune.result }
            params: { label: {{label}}, task: {{task}} }
          - id: evaluate
            type: evaluate
            inputs: { bundle: train.bundle, test: split.test }
          - id: profile
            type: profile
            inputs: { bundle: evaluate.bundle, sample: split.test }
            params: { predictions: 200, rows: 50 }
          - id: gate
            type: gate
            inputs: { metrics: evaluate.metrics, profile: profile.profile }
            params: { checks: { {{checks}} } }
          - id: register
            type: register
            inputs: { bundle: evaluate.bundle, metrics: evaluate.metrics, profile: profile.profile, gate: gate.verdict }
            params: { name: ensemble, alias: production }
        """;

    private static async Task<ModelBundle> RegisteredBundleAsync(PipelineWorkspace ws, RunResult result)
    {
        result.Succeeded.ShouldBeTrue(string.Join("; ", result.Steps.Where(s => s.Error is not null).Select(s => $"{s.StepId}: {s.Error?.Replace("\n", " | ", StringComparison.Ordinal)}")));
        var output = result.Steps.Single(s => s.StepId == "evaluate").Outputs.Single(o => o.Name == "bundle");
        return ModelBundle.FromBytes(await ws.Store.Objects.ReadVerifiedAsync(output.Hash, default), "registered");
    }

    private static async Task<JsonNode> TuneResultAsync(PipelineWorkspace ws, RunResult result) =>
        JsonNode.Parse(await ws.Store.Objects.ReadVerifiedAsync(result.Steps.Single(s => s.StepId == "tune").Outputs.Single().Hash, default))!;

    [Fact]
    public async Task A_stacking_ensemble_of_the_best_trials_is_built_evaluated_gated_and_registered_with_its_fitted_weights()
    {
        await using var ws = await PipelineWorkspace.CreateAsync(rows: 1500);

        var result = await ws.RunAsync(Pipeline("{ method: stacking, top_k: 2 }"));

        var bundle = await RegisteredBundleAsync(ws, result);
        var ensemble = bundle.Ensemble.ShouldNotBeNull();
        ensemble.Method.ShouldBe("stacking");
        ensemble.Members.Count.ShouldBe(2);
        ensemble.Combiner.Kind.ShouldBe(EnsembleMethod.Logistic);
        ensemble.Combiner.Weights.Single().Count.ShouldBe(2);
        ensemble.Combiner.Weights.Single().ShouldAllBe(w => w != 0);
        var tune = await TuneResultAsync(ws, result);
        var planned = tune["ensemble"]!;
        planned["members"]!.AsArray().Select(m => m!["trial"]!.GetValue<int>()).ShouldBe(ensemble.Members.Select(m => m.Trial!.Value));
        planned["combiner"]!["weights"]![0]!.AsArray().Select(w => w!.GetValue<double>()).ShouldBe(ensemble.Combiner.Weights[0]);
        // The members are the two best trials by the tune metric, best first.
        var scores = tune["trials"]!.AsArray().Select(t => (Trial: t!["trial"]!.GetValue<int>(), Score: t["score"]!.GetValue<double>())).OrderByDescending(t => t.Score).ThenBy(t => t.Trial).Take(2);
        ensemble.Members.Select(m => m.Trial!.Value).ShouldBe(scores.Select(s => s.Trial));
        bundle.Metrics["auc"]!.GetValue<double>().ShouldBeGreaterThan(0.75);
        var registered = await ws.Store.Models.FindAsync(Lockstep.Storage.ModelReference.Parse("ensemble@production"), default);
        registered.ShouldNotBeNull();
    }

    [Fact]
    public async Task Reproducing_an_ensemble_run_gives_identical_tune_result_ensemble_bundle_and_metrics()
    {
        await using var ws = await PipelineWorkspace.CreateAsync(rows: 1200);
        var yaml = Pipeline("{ method: average, top_k: 2 }");

        var first = await ws.RunAsync(yaml);
        first.Succeeded.ShouldBeTrue(string.Join("\n", first.Steps.Select(s => $"{s.StepId}: {s.Error?.Replace("\n", " | ", StringComparison.Ordinal)}")));
        var report = await ws.ReproduceAsync(first.Run.Id);

        foreach (var id in new[] { "split", "tune", "train", "evaluate" })
        {
            var step = report.Steps.Single(s => s.StepId == id);
            step.Identical.ShouldBeTrue($"{id}: {step.Cause}");
        }
    }

    [Fact]
    public async Task A_regression_stacking_ensemble_fits_a_linear_combiner_on_california_housing()
    {
        await using var ws = await PipelineWorkspace.CreateAsync(rows: 10);
        var lines = File.ReadLines(TestData.Path("california_housing", "housing.csv")).Where((_, i) => i == 0 || i % 10 == 1).Take(1500);
        await File.WriteAllLinesAsync(Path.Combine(ws.Root, "housing.csv"), lines);

        var result = await ws.RunAsync(Pipeline("{ method: stacking, top_k: 2 }", label: "median_house_value", task: "regression", data: "housing.csv", checks: "r2: \">= 0.3\""));

        var ensemble = (await RegisteredBundleAsync(ws, result)).Ensemble.ShouldNotBeNull();
        ensemble.Combiner.Kind.ShouldBe(EnsembleMethod.Linear);
        ensemble.Combiner.Weights[0].Count.ShouldBe(2);
        ensemble.Combiner.Bias.Count.ShouldBe(1);
    }

    [Fact]
    public async Task A_multiclass_average_and_a_multiclass_stacking_ensemble_both_score_every_class()
    {
        await using var ws = await PipelineWorkspace.CreateAsync(rows: 1500);

        var average = await ws.RunAsync(Pipeline("{ method: average, top_k: 2 }", label: "relationship", task: "multiclass", checks: "macro_accuracy: \">= 0.45\""));
        var stacking = await ws.RunAsync(Pipeline("{ method: stacking, top_k: 2 }", label: "relationship", task: "multiclass", checks: "macro_accuracy: \">= 0.45\""));

        (await RegisteredBundleAsync(ws, average)).Ensemble!.Combiner.Kind.ShouldBe(EnsembleMethod.Mean);
        var bundle = await RegisteredBundleAsync(ws, stacking);
        var combiner = bundle.Ensemble!.Combiner;
        combiner.Kind.ShouldBe(EnsembleMethod.Softmax);
        var classes = bundle.Preprocessing.Label.Classes!.Count;
        combiner.Weights.Count.ShouldBe(classes);
        combiner.Weights.ShouldAllBe(row => row.Count == 2 * classes);
        var prediction = LoadedModel.FromBundle(bundle).Predict(TestModels.Row(TestData.AdultTest, 0, "relationship"));
        prediction.ClassScores!.Count.ShouldBe(classes);
        prediction.ClassScores.Sum().ShouldBe(1f, 1e-4f);
    }

    [Theory]
    [InlineData("{ method: vote }", "tune step 'tune': ensemble.method 'vote' is not one of average, stacking")]
    [InlineData("{ top_k: 2 }", "tune step 'tune': ensemble.method is required")]
    [InlineData("{ method: average, top_k: 1 }", "tune step 'tune': ensemble.top_k must be a whole number from 2 to 100")]
    [InlineData("{ method: average, top_k: 4 }", "tune step 'tune': ensemble.top_k is 4 but the search runs only 3 trials")]
    [InlineData("{ method: average, members: 2 }", "tune step 'tune': ensemble.members is unknown")]
    [InlineData("stacking", "step 'tune' parameter 'ensemble' must be a mapping")]
    public async Task Bad_ensemble_parameters_are_refused_at_plan_time_with_the_file_line_and_column(string ensemble, string message)
    {
        await using var ws = await PipelineWorkspace.CreateAsync(rows: 50);

        var error = await Should.ThrowAsync<PipelineException>(() => ws.RunAsync(Pipeline(ensemble)));

        error.Message.ShouldContain(message);
        error.Message.ShouldContain("lockstep.yaml:18:17: ");
    }
}
