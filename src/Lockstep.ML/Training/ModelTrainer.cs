using Lockstep.Errors;
using Lockstep.ML.Features;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using Microsoft.ML.Trainers.FastTree;
using Microsoft.ML.Trainers.LightGbm;

namespace Lockstep.ML.Training;

/// <summary>
/// Trains an ML.NET model on feature vectors. Every trainer runs single-threaded with a seed from
/// the step, LightGBM additionally with deterministic=true, because that is what makes the model
/// bytes the same on every run (multi-threaded reductions add floating-point sums in varying order).
/// </summary>
public static class ModelTrainer
{
    /// <summary>Trains on the rows whose label is not NaN and returns the fitted model.</summary>
    public static TrainedModel Train(float[][] features, float[] labels, PreprocessingManifest manifest, TrainerSpec spec, int seed)
    {
        spec.Validated();
        var ml = new MLContext(seed);
        var width = manifest.FeatureNames.Count;
        var task = manifest.Task;
        var keep = Enumerable.Range(0, labels.Length).Where(i => !float.IsNaN(labels[i])).ToArray();
        if (keep.Length == 0)
        {
            throw new StepInputException($"no training row has a usable label in column '{manifest.Label.Column}'");
        }
        var data = ToDataView(ml, features, labels, keep, task, manifest.Label.Classes?.Count ?? 0, width);
        var estimator = Estimator(ml, task, spec, seed);
        var model = estimator.Fit(data);
        return new TrainedModel(ml, model, Schema(ml, width), keep.Length);
    }

    internal static IDataView ToDataView(MLContext ml, float[][] features, float[] labels, int[] rows, TaskKind task, int classCount, int width)
    {
        switch (task)
        {
            case TaskKind.Binary:
                {
                    var def = SchemaDefinition.Create(typeof(BinaryTrainRow));
                    def["Features"].ColumnType = new VectorDataViewType(NumberDataViewType.Single, width);
                    return ml.Data.LoadFromEnumerable(rows.Select(i => new BinaryTrainRow { Label = labels[i] > 0.5f, Features = features[i] }).ToList(), def);
                }
            case TaskKind.Multiclass:
                {
                    var def = SchemaDefinition.Create(typeof(KeyTrainRow));
                    def["Features"].ColumnType = new VectorDataViewType(NumberDataViewType.Single, width);
                    def["Label"].ColumnType = new KeyDataViewType(typeof(uint), classCount);
                    // LoadFromEnumerable takes a key column's raw value as the 0-based class index (score slot i
                    // is class i); adding 1 here once shifted every class by one slot.
                    return ml.Data.LoadFromEnumerable(rows.Select(i => new KeyTrainRow { Label = (uint)labels[i], Features = features[i] }).ToList(), def);
                }
            default:
                {
                    var def = SchemaDefinition.Create(typeof(FloatTrainRow));
                    def["Features"].ColumnType = new VectorDataViewType(NumberDataViewType.Single, width);
                    return ml.Data.LoadFromEnumerable(rows.Select(i => new FloatTrainRow { Label = labels[i], Features = features[i] }).ToList(), def);
                }
        }
    }

    /// <summary>The input schema the saved model expects: one fixed-size vector column "Features".</summary>
    internal static DataViewSchema Schema(MLContext ml, int width)
    {
        var def = SchemaDefinition.Create(typeof(FeatureInput));
        def["Features"].ColumnType = new VectorDataViewType(NumberDataViewType.Single, width);
        return ml.Data.LoadFromEnumerable(new List<FeatureInput>(), def).Schema;
    }

    private static IEstimator<ITransformer> Estimator(MLContext ml, TaskKind task, TrainerSpec spec, int seed)
    {
        var iterations = spec.GetInt("iterations");
        var leaves = spec.GetInt("leaves");
        var rate = spec.Get("learning_rate");
        var minLeaf = spec.GetInt("min_leaf");
        var maxBins = spec.GetInt("max_bins");
        var l1 = (float?)spec.Get("l1");
        var l2 = (float?)spec.Get("l2");
        switch (spec.Trainer, task)
        {
            case ("lightgbm", TaskKind.Binary):
                return ml.BinaryClassification.Trainers.LightGbm(new LightGbmBinaryTrainer.Options
                {
                    NumberOfIterations = iterations ?? 100, NumberOfLeaves = leaves, LearningRate = rate, MinimumExampleCountPerLeaf = minLeaf,
                    MaximumBinCountPerFeature = maxBins ?? 255, Seed = seed, NumberOfThreads = 1, Deterministic = true, Silent = true,
                });
            case ("lightgbm", TaskKind.Multiclass):
                return ml.MulticlassClassification.Trainers.LightGbm(new LightGbmMulticlassTrainer.Options
                {
                    NumberOfIterations = iterations ?? 100, NumberOfLeaves = leaves, LearningRate = rate, MinimumExampleCountPerLeaf = minLeaf,
                    MaximumBinCountPerFeature = maxBins ?? 255, Seed = seed, NumberOfThreads = 1, Deterministic = true, Silent = true,
                });
            case ("lightgbm", TaskKind.Regression):
                return ml.Regression.Trainers.LightGbm(new LightGbmRegressionTrainer.Options
                {
                    NumberOfIterations = iterations ?? 100, NumberOfLeaves = leaves, LearningRate = rate, MinimumExampleCountPerLeaf = minLeaf,
                    MaximumBinCountPerFeature = maxBins ?? 255, Seed = seed, NumberOfThreads = 1, Deterministic = true, Silent = true,
                });
            case ("fasttree", TaskKind.Binary):
                return ml.BinaryClassification.Trainers.FastTree(FastTree(new FastTreeBinaryTrainer.Options(), iterations, leaves, rate, minLeaf, maxBins, seed));
            case ("fasttree", TaskKind.Multiclass):
                return ml.MulticlassClassification.Trainers.OneVersusAll(ml.BinaryClassification.Trainers.FastTree(FastTree(new FastTreeBinaryTrainer.Options(), iterations, leaves, rate, minLeaf, maxBins, seed)));
            case ("fasttree", TaskKind.Regression):
                return ml.Regression.Trainers.FastTree(FastTree(new FastTreeRegressionTrainer.Options(), iterations, leaves, rate, minLeaf, maxBins, seed));
            case ("sdca", TaskKind.Binary):
                return ml.BinaryClassification.Trainers.SdcaLogisticRegression(new SdcaLogisticRegressionBinaryTrainer.Options { NumberOfThreads = 1, MaximumNumberOfIterations = iterations, L1Regularization = l1, L2Regularization = l2 });
            case ("sdca", TaskKind.Multiclass):
                return ml.MulticlassClassification.Trainers.SdcaMaximumEntropy(new SdcaMaximumEntropyMulticlassTrainer.Options { NumberOfThreads = 1, MaximumNumberOfIterations = iterations, L1Regularization = l1, L2Regularization = l2 });
            case ("sdca", TaskKind.Regression):
                return ml.Regression.Trainers.Sdca(new SdcaRegressionTrainer.Options { NumberOfThreads = 1, MaximumNumberOfIterations = iterations, L1Regularization = l1, L2Regularization = l2 });
            case ("lbfgs", TaskKind.Binary):
                return ml.BinaryClassification.Trainers.LbfgsLogisticRegression(new LbfgsLogisticRegressionBinaryTrainer.Options { NumberOfThreads = 1, L1Regularization = l1 ?? 1, L2Regularization = l2 ?? 1, MaximumNumberOfIterations = iterations ?? 100 });
            case ("lbfgs", TaskKind.Multiclass):
                return ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy(new LbfgsMaximumEntropyMulticlassTrainer.Options { NumberOfThreads = 1, L1Regularization = l1 ?? 1, L2Regularization = l2 ?? 1, MaximumNumberOfIterations = iterations ?? 100 });
            default:
                throw new StepInputException($"trainer '{spec.Trainer}' does not do {task.ToString().ToLowerInvariant()}; use lightgbm, fasttree or sdca");
        }
    }

    private static T FastTree<T>(T o, int? iterations, int? leaves, double? rate, int? minLeaf, int? maxBins, int seed)
        where T : BoostedTreeOptions
    {
        o.NumberOfTrees = iterations ?? 100;
        o.NumberOfLeaves = leaves ?? 20;
        o.LearningRate = rate ?? 0.2;
        o.MinimumExampleCountPerLeaf = minLeaf ?? 10;
        o.MaximumBinCountPerFeature = maxBins ?? 255;
        o.Seed = seed;
        o.NumberOfThreads = 1;
        return o;
    }
}
