using Lockstep.ML.Bundles;
using Lockstep.ML.Features;
using Lockstep.ML.Training;

namespace Lockstep.ML.Tests.Bundles;

public sealed class TreeEnsembleEvaluatorTests
{
    private static LoadedModel Train(string trainer, FeaturizeOptions options, int iterations = 30, int? leaves = null)
    {
        var parameters = new Dictionary<string, double> { ["iterations"] = iterations };
        if (leaves is { } l)
        {
            parameters["leaves"] = l;
            parameters["min_leaf"] = 2;
        }
        return LoadedModel.FromBundle(ModelBuilder.Build(TestData.AdultSample(3000), options,
            new TrainerSpec(trainer, parameters), 7, TestModels.ModelLineage(trainer)).Bundle);
    }

    /// <summary>Every row of adult.test, featurized, scored by the tree evaluator and by ML.NET's engine: equal as bits.</summary>
    private static void EveryAdultTestRowScoresExactlyAsTheEngine(LoadedModel model)
    {
        var features = model.Transformer.Transform(TestData.AdultTest);
        features.Length.ShouldBe(16281);
        for (var r = 0; r < features.Length; r++)
        {
            var fast = model.PredictFeatures(features[r]);
            var engine = model.PredictFeaturesWithEngine(features[r]);
            BitConverter.SingleToInt32Bits(fast.Score).ShouldBe(BitConverter.SingleToInt32Bits(engine.Score), $"score of row {r}: {fast.Score:R} vs {engine.Score:R}");
            fast.Probability.HasValue.ShouldBe(engine.Probability.HasValue);
            if (fast.Probability is { } p)
            {
                BitConverter.SingleToInt32Bits(p).ShouldBe(BitConverter.SingleToInt32Bits(engine.Probability!.Value), $"probability of row {r}");
            }
            fast.Label.ShouldBe(engine.Label, $"label of row {r}");
        }
    }

    [Theory]
    [InlineData("lightgbm")]
    [InlineData("fasttree")]
    public void A_binary_tree_model_is_scored_by_the_evaluator_bit_for_bit_as_by_mlnet_on_every_adult_test_row(string trainer)
    {
        var model = Train(trainer, TestModels.AdultFeatures);

        model.UsesTreeEvaluator.ShouldBeTrue();
        model.Evaluator(0)!.UsesLeafMasks.ShouldBeTrue();
        EveryAdultTestRowScoresExactlyAsTheEngine(model);
    }

    [Theory]
    [InlineData("lightgbm", "binary", 1)]
    [InlineData("lightgbm", "binary", 3)]
    [InlineData("lightgbm", "binary", LeafMaskEvaluator.CheckpointEvery)]
    [InlineData("lightgbm", "binary", int.MaxValue)]
    [InlineData("fasttree", "binary", 5)]
    [InlineData("fasttree", "binary", LeafMaskEvaluator.CheckpointEvery)]
    [InlineData("lightgbm", "regression", 2)]
    [InlineData("fasttree", "regression", LeafMaskEvaluator.CheckpointEvery)]
    public void Leaf_masks_with_any_checkpoint_spacing_and_walking_the_trees_give_the_same_bits_on_every_adult_test_row(string trainer, string task, int checkpointEvery)
    {
        var binary = task == "binary";
        var model = Train(trainer, binary ? TestModels.AdultFeatures : new FeaturizeOptions { Label = "hours-per-week", Task = TaskKind.Regression });
        var kind = binary ? TaskKind.Binary : TaskKind.Regression;
        var masks = TreeEnsembleEvaluator.TryCreate(model.MemberModels[0], kind, model.Transformer.Width, checkpointEvery: checkpointEvery)!;
        var walk = TreeEnsembleEvaluator.TryCreate(model.MemberModels[0], kind, model.Transformer.Width, leafMasks: false)!;
        masks.UsesLeafMasks.ShouldBeTrue();
        walk.UsesLeafMasks.ShouldBeFalse();

        var rows = 0;
        foreach (var features in model.Transformer.Transform(TestData.AdultTest))
        {
            masks.TryScore(features, out var s1, out var p1).ShouldBeTrue();
            walk.TryScore(features, out var s2, out var p2).ShouldBeTrue();
            BitConverter.SingleToInt32Bits(s1).ShouldBe(BitConverter.SingleToInt32Bits(s2), $"score of row {rows}");
            BitConverter.SingleToInt32Bits(p1).ShouldBe(BitConverter.SingleToInt32Bits(p2), $"probability of row {rows}");
            rows++;
        }
        rows.ShouldBe(16281);
    }

    [Theory]
    [InlineData("lightgbm", "binary", true, LeafMaskEvaluator.CheckpointEvery)]
    [InlineData("lightgbm", "binary", false, LeafMaskEvaluator.CheckpointEvery)]
    [InlineData("lightgbm", "binary", true, 1)]
    [InlineData("fasttree", "binary", true, 3)]
    [InlineData("lightgbm", "regression", true, int.MaxValue)]
    [InlineData("fasttree", "regression", false, 2)]
    public void Block_scoring_several_rows_at_a_time_or_row_by_row_gives_the_walk_s_bits_for_every_block_length(string trainer, string task, bool blocks, int checkpointEvery)
    {
        var binary = task == "binary";
        var model = Train(trainer, binary ? TestModels.AdultFeatures : new FeaturizeOptions { Label = "hours-per-week", Task = TaskKind.Regression });
        var kind = binary ? TaskKind.Binary : TaskKind.Regression;
        var width = model.Transformer.Width;
        var block = TreeEnsembleEvaluator.TryCreate(model.MemberModels[0], kind, width, checkpointEvery: checkpointEvery, blocks: blocks)!;
        var walk = TreeEnsembleEvaluator.TryCreate(model.MemberModels[0], kind, width, leafMasks: false)!;
        block.UsesBlockSums.ShouldBe(blocks);
        var rows = model.Transformer.Transform(TestData.AdultTest);
        // NaN rows land on every position of a block of four, and every length from 1 to 9
        // leaves every remainder of a block of four.
        for (var r = 0; r < rows.Length; r += 997)
        {
            rows[r][r % width] = float.NaN;
        }
        var flat = rows.SelectMany(r => r).ToArray();
        var (scores, probabilities, ok) = (new float[rows.Length], new float[rows.Length], new bool[rows.Length]);
        var done = 0;
        for (var length = 1; done < rows.Length; length = length % 9 + 1)
        {
            var n = Math.Min(length, rows.Length - done);
            block.ScoreBlock(flat.AsSpan(done * width, n * width), n, scores.AsSpan(done), probabilities.AsSpan(done), ok.AsSpan(done));
            done += n;
        }

        for (var r = 0; r < rows.Length; r++)
        {
            ok[r].ShouldBe(walk.TryScore(rows[r], out var score, out var probability), $"row {r}");
            BitConverter.SingleToInt32Bits(scores[r]).ShouldBe(BitConverter.SingleToInt32Bits(score), $"score of row {r}");
            BitConverter.SingleToInt32Bits(probabilities[r]).ShouldBe(BitConverter.SingleToInt32Bits(probability), $"probability of row {r}");
        }
        ok.Count(o => !o).ShouldBe(17);
    }

    [Theory]
    [InlineData("lightgbm")]
    [InlineData("fasttree")]
    public void Leaf_masks_agree_with_the_walk_on_values_exactly_at_next_to_and_between_the_split_thresholds(string trainer)
    {
        // Random vectors whose every feature sits on one of that feature's own thresholds, one
        // float step below or above it, or anywhere: the cases where `<=` decides the side.
        var model = Train(trainer, TestModels.AdultFeatures);
        var width = model.Transformer.Width;
        var masks = TreeEnsembleEvaluator.TryCreate(model.MemberModels[0], TaskKind.Binary, width, checkpointEvery: 2)!;
        var walk = TreeEnsembleEvaluator.TryCreate(model.MemberModels[0], TaskKind.Binary, width, leafMasks: false)!;
        var thresholds = walk.Splits.GroupBy(s => s.Feature).ToDictionary(g => g.Key, g => g.Select(s => s.Threshold).Distinct().ToArray());
        var random = new Random(17);
        var features = new float[width];
        for (var row = 0; row < 20000; row++)
        {
            for (var f = 0; f < width; f++)
            {
                var t = thresholds.TryGetValue(f, out var list) ? list[random.Next(list.Length)] : 0.5f;
                features[f] = random.Next(4) switch
                {
                    0 => t,
                    1 => MathF.BitDecrement(t),
                    2 => MathF.BitIncrement(t),
                    _ => (float)(random.NextDouble() * 2 * (Math.Abs(t) + 1) - (Math.Abs(t) + 1)),
                };
            }
            masks.TryScore(features, out var s1, out var p1).ShouldBeTrue();
            walk.TryScore(features, out var s2, out var p2).ShouldBeTrue();
            BitConverter.SingleToInt32Bits(s1).ShouldBe(BitConverter.SingleToInt32Bits(s2), $"score of vector {row}");
            BitConverter.SingleToInt32Bits(p1).ShouldBe(BitConverter.SingleToInt32Bits(p2), $"probability of vector {row}");
            if (row % 10 == 0)
            {
                // And both as ML.NET's engine scores it.
                BitConverter.SingleToInt32Bits(model.PredictFeaturesWithEngine(features).Score).ShouldBe(BitConverter.SingleToInt32Bits(s1), $"engine score of vector {row}");
            }
        }
    }

    [Fact]
    public void Trees_of_more_than_64_leaves_are_walked_and_still_score_every_row_as_the_engine()
    {
        var model = Train("lightgbm", TestModels.AdultFeatures, iterations: 10, leaves: 100);

        model.UsesTreeEvaluator.ShouldBeTrue();
        model.Evaluator(0)!.UsesLeafMasks.ShouldBeFalse();
        EveryAdultTestRowScoresExactlyAsTheEngine(model);
    }

    [Theory]
    [InlineData("lightgbm", "binary")]
    [InlineData("fasttree", "binary")]
    [InlineData("lightgbm", "regression")]
    [InlineData("lightgbm", "multiclass")]
    public void Block_scoring_gives_every_row_the_engine_s_prediction_bit_for_bit_including_a_row_with_a_NaN_feature(string trainer, string task)
    {
        var options = task switch
        {
            "binary" => TestModels.AdultFeatures,
            "regression" => new FeaturizeOptions { Label = "hours-per-week", Task = TaskKind.Regression },
            _ => new FeaturizeOptions { Label = "relationship", Task = TaskKind.Multiclass },
        };
        var model = Train(trainer, options, iterations: task == "multiclass" ? 5 : 30);
        var rows = model.Transformer.Transform(TestData.AdultTest).Take(task == "multiclass" ? 1001 : 16281).ToArray();
        rows[5][3] = float.NaN;
        var width = model.Transformer.Width;
        var flat = rows.SelectMany(r => r).ToArray();
        var results = new Prediction[rows.Length];

        model.CreateScorer().PredictBlock(flat, rows.Length, results);

        for (var r = 0; r < rows.Length; r++)
        {
            var engine = model.PredictFeaturesWithEngine(rows[r]);
            BitConverter.SingleToInt32Bits(results[r].Score).ShouldBe(BitConverter.SingleToInt32Bits(engine.Score), $"score of row {r}");
            results[r].Probability.ShouldBe(engine.Probability, $"probability of row {r}");
            results[r].Label.ShouldBe(engine.Label, $"label of row {r}");
            (results[r].ClassScores ?? []).ShouldBe(engine.ClassScores ?? [], $"class scores of row {r}");
        }
        flat.Length.ShouldBe(rows.Length * width);
    }

    [Theory]
    [InlineData("lightgbm")]
    [InlineData("fasttree")]
    public void A_regression_tree_model_is_scored_by_the_evaluator_bit_for_bit_as_by_mlnet(string trainer)
    {
        var model = Train(trainer, new FeaturizeOptions { Label = "hours-per-week", Task = TaskKind.Regression });

        model.UsesTreeEvaluator.ShouldBeTrue();
        EveryAdultTestRowScoresExactlyAsTheEngine(model);
    }

    [Fact]
    public void A_multiclass_model_falls_back_to_the_engine_and_still_scores_every_row()
    {
        var model = Train("lightgbm", new FeaturizeOptions { Label = "relationship", Task = TaskKind.Multiclass }, iterations: 10);

        model.UsesTreeEvaluator.ShouldBeFalse();
        EveryAdultTestRowScoresExactlyAsTheEngine(model);
    }

    [Theory]
    [InlineData("sdca")]
    [InlineData("lbfgs")]
    public void A_linear_model_falls_back_to_the_engine(string trainer)
    {
        var model = Train(trainer, TestModels.AdultFeatures with { Scale = "standard" }, iterations: 10);

        model.UsesTreeEvaluator.ShouldBeFalse();
        var features = model.Transformer.Transform(TestData.AdultTest);
        var p = model.PredictFeatures(features[0]);
        p.ShouldBe(model.PredictFeaturesWithEngine(features[0]));
    }

    [Fact]
    public void A_row_with_a_NaN_feature_is_left_to_the_engine()
    {
        var model = Train("lightgbm", TestModels.AdultFeatures);
        var features = model.Transformer.Transform(TestData.AdultTest)[0];
        features[0] = float.NaN;

        model.PredictFeatures(features).ShouldBe(model.PredictFeaturesWithEngine(features));
    }
}
