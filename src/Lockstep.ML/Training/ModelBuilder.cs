using System.Text.Json.Nodes;
using Lockstep.ML.Bundles;
using Lockstep.ML.Features;
using Lockstep.ML.Frames;

namespace Lockstep.ML.Training;

/// <summary>
/// Fits the preprocessing on the training frame, trains the model on its output and packs both
/// into a bundle (metrics empty until evaluation). The train step, the tuner, the tests and the
/// benchmark all build models through here.
/// </summary>
public static class ModelBuilder
{
    public static TrainingResult Build(Frame train, FeaturizeOptions featurize, TrainerSpec trainer, int seed, ModelLineage lineage) =>
        Build(train, null, featurize, trainer, seed, lineage);

    /// <summary>Builds a model; <paramref name="table"/> (the typed source of <paramref name="train"/>, when there is one) gives the bundle's expectations their exact column types.</summary>
    public static TrainingResult Build(Frame train, Lockstep.Data.Tables.Table? table, FeaturizeOptions featurize, TrainerSpec trainer, int seed, ModelLineage lineage, TextWriter? log = null)
    {
        // Phase timings go to the step log only (never into an output), to show where time goes.
        var watch = System.Diagnostics.Stopwatch.StartNew();
        void Phase(string name)
        {
            log?.WriteLine($"  {name}: {watch.Elapsed.TotalMilliseconds:0} ms");
            watch.Restart();
        }
        var manifest = Featurizer.Fit(train, featurize);
        Phase("fit preprocessing");
        var transformer = new FeatureTransformer(manifest);
        var features = transformer.Transform(train);
        var labels = transformer.Labels(train);
        Phase("transform");
        var model = ModelTrainer.Train(features, labels, manifest, trainer, seed);
        Phase("train " + trainer.Trainer);
        var modelBytes = model.ToBytes();
        Phase("save model");
        var schema = InputSchema.FromFrame(train, manifest);
        var profile = new StaticProfile(modelBytes.LongLength, manifest.FeatureNames.Count, manifest.Features.Count, trainer.Trainer, manifest.Label.Task);
        var data = TrainingDataProfile.ComputeAsync(table ?? TableFrames.ToTable(train), manifest.Label.Column, CancellationToken.None).GetAwaiter().GetResult();
        Phase("statistics and expectations");
        var bundle = ModelBundle.Create(modelBytes, manifest, schema, data, [], profile, EnvironmentLock.Current(), lineage, Example(train, manifest));
        return new TrainingResult(manifest, model, bundle, features);
    }

    /// <summary>The first training row's feature columns, as a request body would carry them.</summary>
    public static JsonObject Example(Frame frame, PreprocessingManifest manifest)
    {
        var example = new JsonObject();
        foreach (var feature in manifest.Features)
        {
            var column = frame[feature.Column];
            example[feature.Column] = frame.RowCount == 0 || column.IsMissing(0) ? null
                : column.Numbers is { } n ? JsonValue.Create(n[0])
                : JsonValue.Create(column.Texts![0]);
        }
        return example;
    }
}
