using System.Text.Json.Nodes;
using Lockstep.Hashing;
using Lockstep.ML.Bundles;
using Lockstep.ML.Ensembles;
using Lockstep.ML.Features;
using Lockstep.ML.Training;

namespace Lockstep.ML.Tests.Ensembles;

/// <summary>Ensemble bundles built from real adult rows: determinism, structure, scoring and refusal.</summary>
public sealed class EnsembleBundleTests
{
    private static readonly int[] Leaves = [4, 8, 16];

    private static IReadOnlyDictionary<string, double> Hyperparameters(int leaves) =>
        new SortedDictionary<string, double>(StringComparer.Ordinal) { ["iterations"] = 20, ["leaves"] = leaves };

    private static EnsemblePlan Plan(string method, EnsembleCombiner combiner) =>
        new(method, Leaves.Select((l, i) => new PlannedMember("lightgbm", Hyperparameters(l), i + 1, 0.9 - i * 0.01)).ToList(), combiner);

    private static TrainingResult Build(EnsemblePlan plan, int seed = 42) =>
        ModelBuilder.BuildEnsemble(TestData.AdultSample(3000), null, TestModels.AdultFeatures, plan, seed, TestModels.ModelLineage("lightgbm"));

    private static TrainingResult Average() => Build(Plan(EnsembleMethod.Average, EnsembleCombiner.Mean(TaskKind.Binary, Leaves.Length)));

    [Fact]
    public void Building_an_ensemble_twice_with_the_same_inputs_gives_identical_bundle_bytes()
    {
        var first = Average().Bundle.ToBytes();
        var second = Average().Bundle.ToBytes();

        ContentHasher.HashBytes(second).ShouldBe(ContentHasher.HashBytes(first));
    }

    [Fact]
    public void The_entries_a_load_reads_come_out_the_same_from_generated_metadata_as_from_reflection_and_write_back_to_their_bytes()
    {
        var bundle = Average().Bundle;

        void Same<T>(string entry, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> generated)
        {
            var bytes = bundle.RawEntry(entry);
            var viaGenerated = MLJson.ToBytes(MLJson.FromBytes(bytes, generated, entry));
            viaGenerated.ShouldBe(MLJson.ToBytes(MLJson.FromBytes<T>(bytes, entry)), entry);
            viaGenerated.ShouldBe(bytes, entry);
        }
        Same(BundleEntries.Preprocessing, MLJsonContext.Default.PreprocessingManifest);
        Same(BundleEntries.Environment, MLJsonContext.Default.EnvironmentLock);
        Same(BundleEntries.Ensemble, MLJsonContext.Default.EnsembleManifest);
    }

    [Fact]
    public void An_ensemble_bundle_records_its_members_with_trainer_hyperparameters_and_hash_and_its_combiner()
    {
        var bundle = Average().Bundle;

        bundle.Version.ShouldBe(ModelBundle.EnsembleFormatVersion);
        bundle.Entries.Select(e => e.Key).ShouldBe([.. BundleEntries.Ordered, BundleEntries.Ensemble, "member-2.zip", "member-3.zip"]);
        var json = bundle.Entry(BundleEntries.Ensemble)!;
        json["method"]!.GetValue<string>().ShouldBe("average");
        var members = json["members"]!.AsArray();
        members.Count.ShouldBe(3);
        for (var i = 0; i < 3; i++)
        {
            members[i]!["entry"]!.GetValue<string>().ShouldBe(BundleEntries.Member(i + 1));
            members[i]!["trainer"]!.GetValue<string>().ShouldBe("lightgbm");
            members[i]!["hyperparameters"]!["leaves"]!.GetValue<double>().ShouldBe(Leaves[i]);
            members[i]!["blake3"]!.GetValue<string>().ShouldBe(ContentHasher.HashBytes(bundle.RawEntry(BundleEntries.Member(i + 1))).Hex);
        }
        json["combiner"]!["kind"]!.GetValue<string>().ShouldBe("mean");
        json["combiner"]!["weights"]![0]!.AsArray().Select(w => w!.GetValue<double>()).ShouldBe([1.0 / 3, 1.0 / 3, 1.0 / 3]);
        bundle.Entry(BundleEntries.Profile)!["trainer"]!.GetValue<string>().ShouldBe("average(3×lightgbm)");
    }

    [Fact]
    public void Each_member_is_the_model_a_single_train_with_its_hyperparameters_gives()
    {
        var bundle = Average().Bundle;

        for (var i = 0; i < Leaves.Length; i++)
        {
            var single = ModelBuilder.Build(TestData.AdultSample(3000), TestModels.AdultFeatures, new TrainerSpec("lightgbm", Hyperparameters(Leaves[i])), 42, TestModels.ModelLineage("lightgbm"));
            bundle.MemberModels[i].ShouldBe(single.Bundle.ModelBytes);
        }
    }

    [Fact]
    public void An_average_ensemble_predicts_the_mean_of_its_members_probabilities()
    {
        var ensemble = LoadedModel.FromBundle(Average().Bundle);
        var members = Leaves.Select(l => LoadedModel.FromBundle(
            ModelBuilder.Build(TestData.AdultSample(3000), TestModels.AdultFeatures, new TrainerSpec("lightgbm", Hyperparameters(l)), 42, TestModels.ModelLineage("lightgbm")).Bundle)).ToList();

        for (var r = 0; r < 200; r++)
        {
            var row = TestModels.Row(TestData.AdultTest, r);
            var expected = members.Average(m => (double)m.Predict(row).Probability!.Value);
            var prediction = ensemble.Predict(row);
            prediction.Probability!.Value.ShouldBe((float)expected, 1e-6f);
            prediction.Label.ShouldBe(expected >= 0.5 ? ">50K" : "<=50K");
        }
    }

    [Fact]
    public void A_stacking_combiner_scores_the_logistic_of_its_weighted_member_logits()
    {
        var combiner = new EnsembleCombiner(EnsembleMethod.Logistic, "logit(probability)", [[0.5, 1.0, -0.25]], [0.1]);
        var ensemble = LoadedModel.FromBundle(Build(Plan(EnsembleMethod.Stacking, combiner)).Bundle);
        var members = Leaves.Select(l => LoadedModel.FromBundle(
            ModelBuilder.Build(TestData.AdultSample(3000), TestModels.AdultFeatures, new TrainerSpec("lightgbm", Hyperparameters(l)), 42, TestModels.ModelLineage("lightgbm")).Bundle)).ToList();

        for (var r = 0; r < 50; r++)
        {
            var row = TestModels.Row(TestData.AdultTest, r);
            var p = members.Select(m => (double)m.Predict(row).Probability!.Value).ToArray();
            var z = 0.1 + 0.5 * EnsembleCombiner.Logit(p[0]) + 1.0 * EnsembleCombiner.Logit(p[1]) - 0.25 * EnsembleCombiner.Logit(p[2]);
            ensemble.Predict(row).Probability!.Value.ShouldBe((float)(1 / (1 + Math.Exp(-z))), 1e-6f);
        }
    }

    [Fact]
    public async Task A_written_ensemble_bundle_loads_with_its_checks_and_predicts_rows_with_unseen_and_missing_values()
    {
        using var temp = new TempFolder();
        var path = await TestModels.WriteAsync(Average().Bundle, temp.Path);

        var model = await ModelBundle.LoadAsync(path, new BundleLoadOptions(), default);

        model.Ensemble.ShouldNotBeNull().Members.Count.ShouldBe(3);
        var row = TestModels.Row(TestData.AdultTest, 0);
        row["workclass"] = "Never-seen-before";
        row["age"] = null;
        row.Remove("occupation");
        var single = model.Predict(row);
        single.Probability.ShouldNotBeNull();
        single.Label.ShouldBeOneOf(">50K", "<=50K");
        var rows = Enumerable.Range(0, 20).Select(r => (IReadOnlyDictionary<string, object?>)TestModels.Row(TestData.AdultTest, r)).ToList();
        model.PredictBatch(rows).ShouldBe(rows.Select(model.Predict).ToList());
    }

    [Fact]
    public async Task An_ensemble_bundle_whose_member_was_swapped_is_refused()
    {
        using var temp = new TempFolder();
        var bundle = Average().Bundle;
        // The hash manifest is rewritten to match, but ensemble.json still names the original member.
        var swapped = bundle.With("member-2.zip", bundle.RawEntry("member-3.zip"));
        var path = await TestModels.WriteAsync(swapped, temp.Path);

        var refused = await Should.ThrowAsync<BundleRefusedException>(() => ModelBundle.LoadAsync(path, new BundleLoadOptions(), default));

        refused.Message.ShouldContain("ensemble member 2's model member-2.zip does not have the hash ensemble.json records");
    }

    [Fact]
    public void A_single_model_bundle_is_still_written_and_read_as_format_version_2()
    {
        var bytes = TestModels.Adult().Bundle.ToBytes();

        var bundle = ModelBundle.FromBytes(bytes, "single.lsb");

        bundle.Version.ShouldBe(2);
        bundle.Ensemble.ShouldBeNull();
        bundle.Entry(BundleEntries.Format)!["version"]!.GetValue<int>().ShouldBe(2);
        LoadedModel.FromBundle(bundle).Predict(TestModels.Row(TestData.AdultTest, 0)).Probability.ShouldNotBeNull();
    }
}
