using Lockstep.ML.Bundles;
using Lockstep.ML.Features;
using Lockstep.ML.Frames;
using Lockstep.ML.Training;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Lockstep.ML.Tests.Bundles;

/// <summary>Training/serving parity: raw rows through a loaded bundle give exactly what the training path gave.</summary>
public sealed class ParityTests
{
    [Theory]
    [InlineData("lightgbm")]
    [InlineData("sdca")]
    public async Task Raw_rows_through_the_bundle_give_exactly_the_training_paths_features_and_scores(string trainer)
    {
        using var temp = new TempFolder();
        var trained = TestModels.Adult(trainer);
        var loaded = await ModelBundle.LoadAsync(await TestModels.WriteAsync(trained.Bundle, temp.Path), BundleLoadOptions.Strict, default);
        var test = TestData.AdultTest.Take(Enumerable.Range(0, 500).ToArray());

        // Training path: the frame through the fitted transformer, scored in one batch by ML.NET.
        var transformer = new FeatureTransformer(trained.Preprocessing);
        var features = transformer.Transform(test);
        var scored = trained.Model.Model.Transform(ToDataView(trained.Model.Context, features));
        var scores = trained.Model.Context.Data.CreateEnumerable<ScoreRow>(scored, reuseRowObject: false).ToList();

        for (var r = 0; r < test.RowCount; r++)
        {
            // Serving path: the row as a client sends it — every value as the text in the file.
            var raw = RawTextRow(test, r);
            loaded.Featurize(raw).ShouldBe(features[r], $"features of row {r}");
            var prediction = loaded.Predict(raw);
            prediction.Score.ShouldBe(scores[r].Score, $"score of row {r}");
            prediction.Probability.ShouldBe(scores[r].Probability, $"probability of row {r}");
        }
    }

    [Fact]
    public async Task A_row_with_an_unseen_category_or_a_missing_value_in_any_column_still_gets_a_prediction()
    {
        using var temp = new TempFolder();
        var loaded = await ModelBundle.LoadAsync(await TestModels.WriteAsync(TestModels.Adult().Bundle, temp.Path), BundleLoadOptions.Strict, default);
        var row = TestModels.Row(TestData.AdultTest, 0);

        foreach (var column in row.Keys.ToList())
        {
            var missing = new Dictionary<string, object?>(row) { [column] = null };
            loaded.Predict(missing).Probability.ShouldNotBeNull().ShouldBeInRange(0f, 1f);
            var absent = new Dictionary<string, object?>(row);
            absent.Remove(column);
            loaded.Predict(absent).Probability.ShouldNotBeNull().ShouldBeInRange(0f, 1f);
        }
        var unseen = new Dictionary<string, object?>(row) { ["native-country"] = "Atlantis", ["workclass"] = "Astronaut", ["age"] = "not a number" };
        loaded.Predict(unseen).Label.ShouldBeOneOf("<=50K", ">50K");
        loaded.Predict(new Dictionary<string, object?>()).Probability.ShouldNotBeNull();
    }

    [Fact]
    public async Task An_unseen_category_lands_in_the_unknown_bucket_and_a_missing_one_in_the_missing_bucket()
    {
        using var temp = new TempFolder();
        var loaded = await ModelBundle.LoadAsync(await TestModels.WriteAsync(TestModels.Adult().Bundle, temp.Path), BundleLoadOptions.Strict, default);
        var names = loaded.Preprocessing.FeatureNames.ToList();

        var unseen = loaded.Featurize(new Dictionary<string, object?> { ["workclass"] = "Astronaut" });
        var missing = loaded.Featurize(new Dictionary<string, object?> { ["workclass"] = null });

        unseen[names.IndexOf("workclass=<unknown>")].ShouldBe(1f);
        missing[names.IndexOf("workclass=<missing>")].ShouldBe(1f);
    }

    [Fact]
    public async Task JSON_request_values_predict_like_their_text_form()
    {
        using var temp = new TempFolder();
        var loaded = await ModelBundle.LoadAsync(await TestModels.WriteAsync(TestModels.Adult().Bundle, temp.Path), BundleLoadOptions.Strict, default);
        using var json = System.Text.Json.JsonDocument.Parse("""{"age": 39, "workclass": "State-gov", "education-num": 13, "hours-per-week": 40, "sex": "Male", "capital-gain": null}""");
        var fromJson = json.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => (object?)p.Value.Clone());
        var fromText = new Dictionary<string, object?> { ["age"] = "39", ["workclass"] = "State-gov", ["education-num"] = "13", ["hours-per-week"] = "40", ["sex"] = "Male" };

        loaded.Predict(fromJson).ShouldBe(loaded.Predict(fromText));
    }

    [Fact]
    public async Task Predictions_from_many_threads_at_once_equal_the_single_threaded_ones()
    {
        using var temp = new TempFolder();
        var loaded = await ModelBundle.LoadAsync(await TestModels.WriteAsync(TestModels.Adult().Bundle, temp.Path), BundleLoadOptions.Strict, default);
        var rows = Enumerable.Range(0, 400).Select(r => TestModels.Row(TestData.AdultTest, r)).ToList();
        var expected = rows.Select(loaded.Predict).ToList();

        var parallel = new Prediction[rows.Count];
        Parallel.For(0, rows.Count, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i => parallel[i] = loaded.Predict(rows[i]));

        parallel.ShouldBe(expected);
        loaded.PredictBatch(rows).ShouldBe(expected);
    }

    private static Dictionary<string, object?> RawTextRow(Frame frame, int r)
    {
        var row = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var column in frame.Columns.Where(c => c.Name != "income"))
        {
            row[column.Name] = column.TextAt(r);
        }
        return row;
    }

    private static IDataView ToDataView(MLContext ml, float[][] features)
    {
        var def = SchemaDefinition.Create(typeof(FeatureRow));
        def["Features"].ColumnType = new VectorDataViewType(NumberDataViewType.Single, features[0].Length);
        return ml.Data.LoadFromEnumerable(features.Select(f => new FeatureRow { Features = f }).ToList(), def);
    }

#pragma warning disable CA1051, CA1819, CS0649
    private sealed class FeatureRow
    {
        public float[] Features = [];
    }

    private sealed class ScoreRow
    {
        public float Score;
        public float Probability;
    }
#pragma warning restore CA1051, CA1819, CS0649
}
