using Lockstep.ML.Bundles;

namespace Lockstep.ML.Tests.Bundles;

public sealed class ModelScorerTests
{
    [Fact]
    public async Task Scorers_on_parallel_threads_predict_exactly_what_the_pooled_predict_gives()
    {
        using var temp = new TempFolder();
        var loaded = await ModelBundle.LoadAsync(await TestModels.WriteAsync(TestModels.Adult().Bundle, temp.Path), BundleLoadOptions.Strict, default);
        var rows = Enumerable.Range(0, 400).Select(r => TestModels.Row(TestData.AdultTest, r)).ToArray();
        var expected = rows.Select(loaded.Predict).ToArray();

        var actual = new Prediction[rows.Length];
        Parallel.For(0, 4, worker =>
        {
            var scorer = loaded.CreateScorer();
            for (var r = worker; r < rows.Length; r += 4)
            {
                actual[r] = scorer.Predict(rows[r]);
            }
        });

        for (var r = 0; r < rows.Length; r++)
        {
            actual[r].Score.ShouldBe(expected[r].Score, $"score of row {r}");
            actual[r].Probability.ShouldBe(expected[r].Probability, $"probability of row {r}");
            actual[r].Label.ShouldBe(expected[r].Label, $"label of row {r}");
        }
    }
}
