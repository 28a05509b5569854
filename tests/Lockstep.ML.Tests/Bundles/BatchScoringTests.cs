using Lockstep.ML.Bundles;
using Lockstep.ML.Ensembles;
using Lockstep.ML.Features;
using Lockstep.ML.Training;

namespace Lockstep.ML.Tests.Bundles;

/// <summary>The batch path evaluation uses gives exactly the per-row engine's predictions.</summary>
public sealed class BatchScoringTests
{
    private static void ShouldMatchRowByRow(LoadedModel model, float[][] features)
    {
        var batch = model.PredictFeatureBatch(features);

        batch.Length.ShouldBe(features.Length);
        for (var r = 0; r < features.Length; r++)
        {
            var single = model.PredictFeatures(features[r]);
            batch[r].Score.ShouldBe(single.Score);
            batch[r].Probability.ShouldBe(single.Probability);
            batch[r].Label.ShouldBe(single.Label);
            (batch[r].ClassScores ?? []).ShouldBe(single.ClassScores ?? []);
        }
    }

    private static float[][] Features(LoadedModel model, Lockstep.ML.Frames.Frame frame) => model.Transformer.Transform(frame);

    [Theory]
    [InlineData("lightgbm")]
    [InlineData("sdca")]
    public void Binary_batch_predictions_equal_the_row_by_row_ones(string trainer)
    {
        var model = LoadedModel.FromBundle(TestModels.Adult(trainer).Bundle);

        ShouldMatchRowByRow(model, Features(model, TestData.AdultTest.Take(Enumerable.Range(0, 500).ToArray())));
    }

    [Fact]
    public void Multiclass_batch_predictions_equal_the_row_by_row_ones()
    {
        var options = new FeaturizeOptions { Label = "relationship", Task = TaskKind.Multiclass };
        var model = LoadedModel.FromBundle(ModelBuilder.Build(TestData.AdultSample(1000), options, new TrainerSpec("lightgbm", new Dictionary<string, double> { ["iterations"] = 10 }), 3, TestModels.ModelLineage("lightgbm")).Bundle);

        ShouldMatchRowByRow(model, Features(model, TestData.AdultTest.Take(Enumerable.Range(0, 300).ToArray())));
    }

    [Fact]
    public void Regression_batch_predictions_equal_the_row_by_row_ones()
    {
        var options = new FeaturizeOptions { Label = "age", Task = TaskKind.Regression };
        var model = LoadedModel.FromBundle(ModelBuilder.Build(TestData.AdultSample(1000), options, new TrainerSpec("fasttree", new Dictionary<string, double> { ["iterations"] = 10 }), 3, TestModels.ModelLineage("fasttree")).Bundle);

        ShouldMatchRowByRow(model, Features(model, TestData.AdultTest.Take(Enumerable.Range(0, 300).ToArray())));
    }

    [Fact]
    public void Ensemble_batch_predictions_equal_the_row_by_row_ones()
    {
        var members = new[] { 4, 8 }.Select((l, i) => new PlannedMember("lightgbm", new SortedDictionary<string, double>(StringComparer.Ordinal) { ["iterations"] = 10, ["leaves"] = l }, i + 1, null)).ToList();
        var plan = new EnsemblePlan(EnsembleMethod.Stacking, members, new EnsembleCombiner(EnsembleMethod.Logistic, "logit(probability)", [[0.6, 0.5]], [0.2]));
        var model = LoadedModel.FromBundle(ModelBuilder.BuildEnsemble(TestData.AdultSample(2000), null, TestModels.AdultFeatures, plan, 1, TestModels.ModelLineage("lightgbm")).Bundle);

        ShouldMatchRowByRow(model, Features(model, TestData.AdultTest.Take(Enumerable.Range(0, 300).ToArray())));
    }
}
