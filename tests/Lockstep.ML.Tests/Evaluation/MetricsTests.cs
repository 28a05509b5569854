using Lockstep.ML.Evaluation;

namespace Lockstep.ML.Tests.Evaluation;

public sealed class MetricsTests
{
    [Fact]
    public void Binary_metrics_match_hand_computed_values()
    {
        float[] labels = [0, 0, 1, 1];
        float[] probabilities = [0.1f, 0.4f, 0.35f, 0.8f];
        var result = new EvaluationResult();

        Metrics.Binary(labels, probabilities, result);

        result.Metrics["auc"].ShouldBe(0.75, 1e-12);
        result.Metrics["accuracy"].ShouldBe(0.75);
        result.Metrics["precision"].ShouldBe(1.0);
        result.Metrics["recall"].ShouldBe(0.5);
        result.Metrics["log_loss"].ShouldBe(-(Math.Log(0.9) + Math.Log(0.6) + Math.Log(0.35) + Math.Log(0.8)) / 4, 1e-6);
        result.Confusion.ShouldBe(new long[,] { { 2, 0 }, { 1, 1 } });
    }

    [Fact]
    public void Tied_scores_count_as_half_in_the_AUC()
    {
        var result = new EvaluationResult();

        Metrics.Binary([0, 1], [0.5f, 0.5f], result);

        result.Metrics["auc"].ShouldBe(0.5, 1e-12);
    }

    [Fact]
    public void Regression_metrics_match_hand_computed_values()
    {
        var result = new EvaluationResult();

        Metrics.Regression([1, 2, 3], [1, 2, 4], result);

        result.Metrics["mae"].ShouldBe(1.0 / 3, 1e-12);
        result.Metrics["rmse"].ShouldBe(Math.Sqrt(1.0 / 3), 1e-12);
        result.Metrics["r2"].ShouldBe(0.5, 1e-12);
    }

    [Fact]
    public void Multiclass_macro_and_micro_accuracy_differ_on_unbalanced_classes()
    {
        var result = new EvaluationResult();
        int[] labels = [0, 0, 0, 1];
        IReadOnlyList<float>[] scores = [[0.9f, 0.1f], [0.8f, 0.2f], [0.7f, 0.3f], [0.6f, 0.4f]];

        Metrics.Multiclass(labels, scores, 2, result);

        result.Metrics["micro_accuracy"].ShouldBe(0.75);
        result.Metrics["macro_accuracy"].ShouldBe(0.5);
    }

    [Fact]
    public void The_HTML_report_is_self_contained_and_the_same_for_the_same_evaluation()
    {
        var result = new EvaluationResult();
        Metrics.Binary([0, 0, 1, 1], [0.1f, 0.4f, 0.35f, 0.8f], result);
        result.Importance.Add(("age", 0.1));
        var manifest = Lockstep.ML.Features.Featurizer.Fit(TestData.AdultSample(200), TestModels.AdultFeatures);

        var html = HtmlReport.Render("t", result, manifest);

        html.ShouldBe(HtmlReport.Render("t", result, manifest));
        html.ShouldContain("ROC curve");
        html.ShouldContain("Confusion matrix");
        html.ShouldContain("Permutation importance");
        html.ShouldNotContain("<script");
    }
}
