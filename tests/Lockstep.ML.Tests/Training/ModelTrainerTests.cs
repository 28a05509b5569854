using Lockstep.ML.Bundles;
using Lockstep.ML.Evaluation;
using Lockstep.ML.Features;
using Lockstep.ML.Training;

namespace Lockstep.ML.Tests.Training;

public sealed class ModelTrainerTests
{
    [Theory]
    [InlineData("lightgbm")]
    [InlineData("fasttree")]
    [InlineData("sdca")]
    public void A_multiclass_model_puts_each_class_in_its_own_score_slot(string trainer)
    {
        // adult's 'relationship' (6 classes) is easy to predict from sex and marital status; a model
        // whose score slots were shifted by one class scored about 3 % here.
        var options = new FeaturizeOptions { Label = "relationship", Task = TaskKind.Multiclass, Exclude = ["fnlwgt"], Scale = trainer == "sdca" ? "standard" : "none" };
        var spec = new TrainerSpec(trainer, trainer == "sdca" ? new Dictionary<string, double>() : new Dictionary<string, double> { ["iterations"] = 15, ["leaves"] = 4 });
        var model = LoadedModel.FromBundle(ModelBuilder.Build(TestData.AdultSample(1000), options, spec, 1, TestModels.ModelLineage(trainer)).Bundle);

        var result = Evaluator.Evaluate(model, TestData.AdultTest.Take(Enumerable.Range(0, 1000).ToArray()), 1, importance: false);

        result.Metrics["accuracy"].ShouldBeGreaterThan(0.7);
        model.Predict(TestModels.Row(TestData.AdultTest, 0, "relationship")).Label.ShouldBe("Own-child");
    }
}
