using System.IO.Compression;
using System.Text.Json.Nodes;
using Lockstep.Hashing;
using Lockstep.ML.Bundles;
using Lockstep.ML.Features;
using Lockstep.ML.Training;

namespace Lockstep.ML.Tests.Bundles;

public sealed class ModelBundleTests
{
    [Theory]
    [InlineData("lightgbm")]
    [InlineData("fasttree")]
    [InlineData("sdca")]
    [InlineData("lbfgs")]
    public void Training_twice_with_the_same_inputs_gives_identical_bundle_bytes(string trainer)
    {
        var first = TestModels.Adult(trainer).Bundle.ToBytes();
        var second = TestModels.Adult(trainer).Bundle.ToBytes();

        ContentHasher.HashBytes(second).ShouldBe(ContentHasher.HashBytes(first));
    }

    [Fact]
    public void A_different_seed_gives_a_different_model()
    {
        var first = TestModels.Adult("lightgbm", seed: 1).Bundle.ModelBytes;
        var second = TestModels.Adult("lightgbm", seed: 2).Bundle.ModelBytes;

        // LightGBM's seed only matters with bagging or feature sampling; the lineage still differs.
        TestModels.Adult("lightgbm", seed: 1).Bundle.ToBytes().ShouldNotBe(TestModels.Adult("lightgbm", seed: 2).Bundle.ToBytes());
        first.Length.ShouldBeGreaterThan(0);
        second.Length.ShouldBeGreaterThan(0);
    }

    [Fact]
    public async Task A_written_bundle_reads_back_with_every_entry()
    {
        using var temp = new TempFolder();
        var path = await TestModels.WriteAsync(TestModels.Adult().Bundle, temp.Path);

        var bundle = await ModelBundle.ReadAsync(path, default);

        bundle.Entries.Select(e => e.Key).ShouldBe(BundleEntries.Ordered);
        bundle.Preprocessing.Label.PositiveClass.ShouldBe(">50K");
        bundle.Environment.Components.ShouldContainKey("Microsoft.ML.LightGbm");
        using var zip = ZipFile.OpenRead(path);
        zip.Entries.Select(e => e.FullName).Last().ShouldBe(BundleEntries.Manifest);
        zip.Entries.ShouldAllBe(e => e.LastWriteTime.Year == 1980);
    }

    [Fact]
    public async Task A_bundle_with_one_byte_changed_is_refused()
    {
        using var temp = new TempFolder();
        var bytes = TestModels.Adult().Bundle.ToBytes();
        // Flip a byte inside preprocessing.json's stored data: find its name, then a byte well after the header.
        var entries = DeterministicZip.Read(new MemoryStream(bytes)).Select(e => e.Key == BundleEntries.Preprocessing
            ? new KeyValuePair<string, byte[]>(e.Key, Tamper(e.Value))
            : e).ToList();
        var path = temp.File("tampered.lsb");
        await File.WriteAllBytesAsync(path, DeterministicZip.Write(entries));

        var error = await Should.ThrowAsync<BundleRefusedException>(() => ModelBundle.LoadAsync(path, BundleLoadOptions.Strict, default));

        error.Message.ShouldContain("preprocessing.json has blake3");
    }

    [Fact]
    public async Task A_bundle_with_a_raw_byte_flipped_in_the_file_is_refused()
    {
        using var temp = new TempFolder();
        var bytes = TestModels.Adult().Bundle.ToBytes();
        bytes[bytes.Length / 3] ^= 0x5A;
        var path = temp.File("flipped.lsb");
        await File.WriteAllBytesAsync(path, bytes);

        await Should.ThrowAsync<BundleRefusedException>(() => ModelBundle.LoadAsync(path, BundleLoadOptions.Strict, default));
    }

    [Fact]
    public async Task A_bundle_with_an_entry_removed_is_refused()
    {
        using var temp = new TempFolder();
        var entries = DeterministicZip.Read(new MemoryStream(TestModels.Adult().Bundle.ToBytes()))
            .Where(e => e.Key != BundleEntries.Schema).ToList();
        var path = temp.File("short.lsb");
        await File.WriteAllBytesAsync(path, DeterministicZip.Write(entries));

        var error = await Should.ThrowAsync<BundleRefusedException>(() => ModelBundle.LoadAsync(path, BundleLoadOptions.Strict, default));

        error.Problems.ShouldContain("entry schema.json is listed in the hash manifest but missing");
    }

    [Fact]
    public async Task A_bundle_locked_to_another_MLNET_version_is_refused_unless_overridden_and_the_override_is_kept()
    {
        using var temp = new TempFolder();
        var original = TestModels.Adult().Bundle;
        var environment = original.Environment;
        environment.Components["Microsoft.ML.Core"] = "4.0.0";
        var rebuilt = original.With(BundleEntries.Environment, MLJson.ToBytes(environment));
        var path = await TestModels.WriteAsync(rebuilt, temp.Path);

        var error = await Should.ThrowAsync<BundleRefusedException>(() => ModelBundle.LoadAsync(path, BundleLoadOptions.Strict, default));
        error.Problems.ShouldHaveSingleItem().ShouldStartWith("Microsoft.ML.Core: bundle has 4.0.0, this process has 5.");

        var loaded = await ModelBundle.LoadAsync(path, new BundleLoadOptions { AllowEnvironmentMismatch = true, OverrideReason = "test" }, default);
        loaded.EnvironmentOverride.ShouldNotBeNull().Reason.ShouldBe("test");
        loaded.EnvironmentOverride.Differences.Count.ShouldBe(1);
        loaded.Predict(TestModels.Row(TestData.AdultTest, 0)).Probability.ShouldNotBeNull();
    }

    [Fact]
    public void Metrics_added_after_evaluation_change_the_bundle_but_keep_the_model()
    {
        var bundle = TestModels.Adult().Bundle;
        var evaluated = bundle.WithMetrics(new JsonObject { ["auc"] = 0.9 });

        evaluated.ModelBytes.ShouldBe(bundle.ModelBytes);
        evaluated.Metrics["auc"]!.GetValue<double>().ShouldBe(0.9);
        evaluated.ToBytes().ShouldNotBe(bundle.ToBytes());
    }

    [Fact]
    public void The_bundle_carries_the_training_datas_expectations_and_statistics_for_serving_and_monitoring()
    {
        var bundle = TestModels.Adult().Bundle;

        bundle.Expectations.Label.ShouldBe("income");
        bundle.TrainingStatistics.RowCount.ShouldBe(3000);
        var validator = new Lockstep.Data.Schemas.SchemaValidator(bundle.Expectations);
        validator.ValidateRow(TestModels.Row(TestData.AdultTrain, 0)).ShouldBeEmpty();
        validator.ValidateRow(new Dictionary<string, object?>(TestModels.Row(TestData.AdultTrain, 0)) { ["age"] = "old" }).ShouldNotBeEmpty();
    }

    [Fact]
    public void Columns_the_model_does_not_read_are_known_to_the_expectations_but_not_constrained()
    {
        var options = new FeaturizeOptions { Label = "income", Task = TaskKind.Binary, Exclude = ["fnlwgt", "native-country"] };
        var bundle = ModelBuilder.Build(TestData.AdultSample(1000), options, new TrainerSpec("lightgbm", new Dictionary<string, double> { ["iterations"] = 5 }), 3, TestModels.ModelLineage("lightgbm")).Bundle;

        var fnlwgt = bundle.Expectations.Find("fnlwgt")!;
        fnlwgt.Min.ShouldBeNull();
        fnlwgt.Max.ShouldBeNull();
        fnlwgt.Type.ShouldBeNull();
        bundle.Expectations.Find("native-country")!.Allowed.ShouldBeNull();
        bundle.Expectations.Find("age")!.Max.ShouldNotBeNull();

        // A request carrying an id-like value far outside training and a country never seen is
        // valid: the model reads neither.
        var row = new Dictionary<string, object?>(TestModels.Row(TestData.AdultTrain, 0)) { ["fnlwgt"] = 99_999_999_999d, ["native-country"] = "Atlantis" };
        new Lockstep.Data.Schemas.SchemaValidator(bundle.Expectations).ValidateRow(row).ShouldBeEmpty();
    }

    private static byte[] Tamper(byte[] content)
    {
        var copy = content.ToArray();
        copy[copy.Length / 2] = (byte)(copy[copy.Length / 2] == (byte)'1' ? '2' : '1');
        return copy;
    }
}
