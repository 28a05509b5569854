using System.Net;
using System.Text.Json;
using Lockstep.ML.Bundles;
using Lockstep.ML.Ensembles;
using Lockstep.ML.Features;
using Lockstep.ML.Frames;
using Lockstep.ML.Training;
using Lockstep.Serving.Tests.Support;
using Shouldly;
using Xunit;

namespace Lockstep.Serving.Tests.Http;

/// <summary>An ensemble bundle (format 3) served over real HTTP through the same LoadedModel path as a single model.</summary>
public sealed class EnsembleServingTests
{
    private static ModelBundle Ensemble()
    {
        var frame = CsvFrameReader.ReadAsync(TestBundles.DataPath("adult", "adult.data"),
            new CsvOptions { HasHeader = false, ColumnNames = TestBundles.AdultColumns, MissingValues = ["?"] }, default).GetAwaiter().GetResult()
            .Take(Enumerable.Range(0, 3000).ToArray());
        var features = new FeaturizeOptions { Label = "income", Task = TaskKind.Binary, LabelTrimSuffix = ".", PositiveClass = ">50K" };
        var members = new[] { 4, 16 }.Select((leaves, i) => new PlannedMember("lightgbm",
            new SortedDictionary<string, double>(StringComparer.Ordinal) { ["iterations"] = 20, ["leaves"] = leaves }, i + 1, null)).ToList();
        var plan = new EnsemblePlan(EnsembleMethod.Stacking, members, new EnsembleCombiner(EnsembleMethod.Logistic, "logit(probability)", [[0.7, 0.4]], [-0.05]));
        var lineage = new ModelLineage(new Dictionary<string, string> { ["train"] = "adult.data[0:3000]" }, "serving-tests", 5, "serving-tests", "lightgbm", "train");
        return ModelBuilder.BuildEnsemble(frame, null, features, plan, 5, lineage).Bundle;
    }

    [Fact]
    public async Task An_ensemble_bundle_behind_an_alias_is_served_with_the_combined_probability()
    {
        await using var f = await ServerFixture.StartAsync();
        var bundle = Ensemble();
        var version = await ServerFixture.RegisterAsync(f.Store, bundle.ToBytes());
        await f.Store.Models.MoveAliasAsync("adult", "production", version.Version, "tests", "ensemble", CancellationToken.None);
        var row = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(Rows.Valid)!.ToDictionary(p => p.Key, p => (object?)p.Value);
        var expected = LoadedModel.FromBundle(bundle).Predict(row);

        JsonElement body = default;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            using var response = await f.PredictAsync(Rows.Valid);
            response.StatusCode.ShouldBe(HttpStatusCode.OK);
            body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
            if (body.GetProperty("version").GetInt32() == version.Version)
            {
                break;
            }
            await Task.Delay(20);
        }

        body.GetProperty("version").GetInt32().ShouldBe(version.Version);
        body.GetProperty("probability").GetDouble().ShouldBe(expected.Probability!.Value, 1e-6);
        body.GetProperty("label").GetString().ShouldBe(expected.Label);
        using var missing = await f.PredictAsync(Rows.WithMissing);
        missing.StatusCode.ShouldBe(HttpStatusCode.OK);
        using var unseen = await f.PredictAsync(Rows.UnseenCategory);
        unseen.StatusCode.ShouldBe(HttpStatusCode.OK);
    }
}
