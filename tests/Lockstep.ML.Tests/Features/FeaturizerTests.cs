using Lockstep.Errors;
using Lockstep.ML.Features;
using Lockstep.ML.Frames;

namespace Lockstep.ML.Tests.Features;

public sealed class FeaturizerTests
{
    private static Frame Small() => new([
        FrameColumn.Numeric("x", [1, 2, double.NaN, 4, 4]),
        FrameColumn.Text("color", ["red", "blue", null, "red", "green"]),
        FrameColumn.Text("y", ["a", "b", "a", "b", "a"]),
    ]);

    private static FeaturizeOptions Options => new() { Label = "y", Task = TaskKind.Binary };

    [Theory]
    [InlineData("median", 3.0)]
    [InlineData("mean", 2.75)]
    [InlineData("most_frequent", 4.0)]
    public void Numeric_imputation_values_are_fitted_on_the_training_rows(string strategy, double expected)
    {
        var manifest = Featurizer.Fit(Small(), Options with { NumericImpute = strategy });

        var x = manifest.Features.Single(f => f.Column == "x");
        x.ImputeValue.ShouldBe(expected);
        x.MissingIndicator.ShouldBeTrue();
        manifest.FeatureNames.Take(2).ShouldBe(["x", "x.missing"]);
    }

    [Fact]
    public void A_constant_imputation_uses_the_declared_value()
    {
        var manifest = Featurizer.Fit(Small(), Options with { Columns = new Dictionary<string, ColumnOverride> { ["x"] = new(Impute: "constant", Value: -1) } });

        var row = new float[manifest.FeatureNames.Count];
        new FeatureTransformer(manifest).Transform(new Dictionary<string, object?> { ["x"] = null }, row);
        row[0].ShouldBe(-1f);
        row[1].ShouldBe(1f);
    }

    [Fact]
    public void Categories_are_recorded_in_order_with_a_missing_and_an_unknown_bucket()
    {
        var manifest = Featurizer.Fit(Small(), Options);

        var color = manifest.Features.Single(f => f.Column == "color");
        color.Categories.ShouldBe(["blue", "green", "red"]);
        manifest.FeatureNames.Skip(2).Take(5).ShouldBe(["color=blue", "color=green", "color=red", "color=<missing>", "color=<unknown>"]);
    }

    [Fact]
    public void Rare_categories_fold_into_the_unknown_bucket_and_are_listed()
    {
        var manifest = Featurizer.Fit(Small(), Options with { MinCategoryCount = 2 });

        var color = manifest.Features.Single(f => f.Column == "color");
        color.Categories.ShouldBe(["red"]);
        color.FoldedRare.ShouldBe(["blue", "green"]);
        var row = new float[manifest.FeatureNames.Count];
        new FeatureTransformer(manifest).Transform(new Dictionary<string, object?> { ["color"] = "blue" }, row);
        row[manifest.FeatureNames.ToList().IndexOf("color=<unknown>")].ShouldBe(1f);
    }

    [Fact]
    public void Key_encoding_puts_the_category_index_in_one_slot()
    {
        var manifest = Featurizer.Fit(Small(), Options with { CategoricalEncoding = "key" });
        var t = new FeatureTransformer(manifest);
        var row = new float[t.Width];

        t.Transform(new Dictionary<string, object?> { ["color"] = "red" }, row);
        row[2].ShouldBe(2f);
        t.Transform(new Dictionary<string, object?> { ["color"] = null }, row);
        row[2].ShouldBe(3f);
        t.Transform(new Dictionary<string, object?> { ["color"] = "purple" }, row);
        row[2].ShouldBe(4f);
    }

    [Theory]
    [InlineData("minmax", 4.0, 1.0)]
    [InlineData("minmax", 1.0, 0.0)]
    [InlineData("standard", 2.75, 0.0)]
    public void Scaling_parameters_are_fitted_and_applied(string scale, double input, double expected)
    {
        var manifest = Featurizer.Fit(Small(), Options with { Scale = scale });
        var row = new float[manifest.FeatureNames.Count];

        new FeatureTransformer(manifest).Transform(new Dictionary<string, object?> { ["x"] = input }, row);

        row[0].ShouldBe((float)expected, 1e-6f);
    }

    [Fact]
    public void Text_features_fit_a_vocabulary_on_training_documents_only_and_weigh_by_tf_idf()
    {
        var frame = new Frame([
            FrameColumn.Text("msg", ["free prize now", "call me now", "free free prize", "see you"]),
            FrameColumn.Text("y", ["spam", "ham", "spam", "ham"]),
        ]);
        var manifest = Featurizer.Fit(frame, new FeaturizeOptions { Label = "y", TextColumns = ["msg"], WordNgrams = 1, MinDocumentFrequency = 2 });

        var msg = manifest.Features.Single();
        msg.Vocabulary.ShouldBe(["w:free", "w:now", "w:prize"]);
        var row = new float[manifest.FeatureNames.Count];
        new FeatureTransformer(manifest).Transform(new Dictionary<string, object?> { ["msg"] = "FREE!! never seen words" }, row);
        row.ShouldBe([1f, 0f, 0f]);
    }

    [Fact]
    public void The_manifest_round_trips_through_its_JSON_form_unchanged()
    {
        var manifest = Featurizer.Fit(TestData.AdultSample(500), TestModels.AdultFeatures);

        var bytes = MLJson.ToBytes(manifest);
        var back = MLJson.FromBytes<PreprocessingManifest>(bytes, "manifest");

        MLJson.ToBytes(back).ShouldBe(bytes);
        System.Text.Encoding.UTF8.GetString(bytes).ShouldContain("\"imputeValue\"");
    }

    [Fact]
    public void A_binary_label_with_other_than_two_classes_is_an_error_that_lists_them()
    {
        var frame = new Frame([FrameColumn.Numeric("x", [1, 2, 3]), FrameColumn.Text("y", ["a", "b", "c"])]);

        var error = Should.Throw<StepInputException>(() => Featurizer.Fit(frame, Options));

        error.Message.ShouldContain("3 classes in the training data (a, b, c)");
    }

    [Fact]
    public void An_unknown_column_name_is_an_error_that_lists_the_real_ones()
    {
        var error = Should.Throw<StepInputException>(() => Featurizer.Fit(Small(), Options with { Exclude = ["colour"] }));

        error.Message.ShouldContain("there is no column 'colour'");
        error.Message.ShouldContain("'color'");
    }

    [Fact]
    public void Label_values_with_a_trailing_dot_match_the_training_classes_when_trimmed()
    {
        var manifest = Featurizer.Fit(TestData.AdultSample(500), TestModels.AdultFeatures);
        var labels = new FeatureTransformer(manifest).Labels(TestData.AdultTest);

        labels.ShouldNotContain(float.NaN);
        labels.Count(l => l == 1f).ShouldBeGreaterThan(3000);
    }
}
