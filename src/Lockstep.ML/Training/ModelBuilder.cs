using System.Text.Json.Nodes;
using Lockstep.Hashing;
using Lockstep.ML.Bundles;
using Lockstep.ML.Ensembles;
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
    public static TrainingResult Build(Frame train, Lockstep.Data.Tables.Table? table, FeaturizeOptions featurize, TrainerSpec trainer, int seed, ModelLineage lineage, TextWriter? log = null, Lockstep.Data.Schemas.DatasetSchema? expectations = null)
    {
        var phase = PhaseLog(log);
        var (manifest, features, labels) = Featurize(train, featurize, phase);
        var model = ModelTrainer.Train(features, labels, manifest, trainer, seed);
        phase("train " + trainer.Trainer);
        var modelBytes = model.ToBytes();
        phase("save model");
        var schema = InputSchema.FromFrame(train, manifest);
        var profile = new StaticProfile(modelBytes.LongLength, manifest.FeatureNames.Count, manifest.Features.Count, trainer.Trainer, manifest.Label.Task);
        var data = TrainingDataProfile.ComputeAsync(table ?? TableFrames.ToTable(train), manifest, CancellationToken.None, expectations).GetAwaiter().GetResult();
        phase("statistics and expectations");
        var bundle = ModelBundle.Create(modelBytes, manifest, schema, data, [], profile, EnvironmentLock.Current(), lineage, Example(train, manifest));
        return new TrainingResult(manifest, model, bundle, features);
    }

    /// <summary>
    /// Builds an ensemble: the preprocessing is fitted once and every member trained on the same
    /// feature vectors with the same seed, member 1 into model.zip, the others into member-N.zip,
    /// and <paramref name="plan"/>'s combiner recorded in ensemble.json with each member's hash.
    /// </summary>
    public static TrainingResult BuildEnsemble(Frame train, Lockstep.Data.Tables.Table? table, FeaturizeOptions featurize, EnsemblePlan plan, int seed, ModelLineage lineage, TextWriter? log = null, Lockstep.Data.Schemas.DatasetSchema? expectations = null)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var phase = PhaseLog(log);
        var (manifest, features, labels) = Featurize(train, featurize, phase);
        var models = new List<TrainedModel>();
        var bytes = new List<byte[]>();
        var members = new List<EnsembleMember>();
        for (var i = 0; i < plan.Members.Count; i++)
        {
            var planned = plan.Members[i];
            var spec = new TrainerSpec(planned.Trainer, planned.Hyperparameters).Validated();
            var model = ModelTrainer.Train(features, labels, manifest, spec, seed);
            var modelBytes = model.ToBytes();
            models.Add(model);
            bytes.Add(modelBytes);
            members.Add(new EnsembleMember(BundleEntries.Member(i + 1), spec.Trainer, Sorted(spec.Hyperparameters), ContentHasher.HashBytes(modelBytes).Hex, planned.Trial, planned.Score));
            phase($"train member {i + 1} ({spec.Trainer})");
        }
        var trainers = string.Join("+", members.Select(m => m.Trainer).Distinct());
        var name = $"{plan.Method}({members.Count}×{trainers})";
        var schema = InputSchema.FromFrame(train, manifest);
        var profile = new StaticProfile(bytes.Sum(b => b.LongLength), manifest.FeatureNames.Count, manifest.Features.Count, name, manifest.Label.Task);
        var data = TrainingDataProfile.ComputeAsync(table ?? TableFrames.ToTable(train), manifest, CancellationToken.None, expectations).GetAwaiter().GetResult();
        phase("statistics and expectations");
        var bundle = ModelBundle.Create(bytes[0], manifest, schema, data, [], profile, EnvironmentLock.Current(), lineage with { Trainer = name }, Example(train, manifest))
            .WithEnsemble(new EnsembleManifest(plan.Method, members, plan.Combiner), bytes);
        return new TrainingResult(manifest, models[0], bundle, features);
    }

    /// <summary>Phase timings for the step log only (never into an output), to show where time goes.</summary>
    private static Action<string> PhaseLog(TextWriter? log)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        return name =>
        {
            log?.WriteLine($"  {name}: {watch.Elapsed.TotalMilliseconds:0} ms");
            watch.Restart();
        };
    }

    /// <summary>Fits the preprocessing on the training split only and transforms it.</summary>
    private static (PreprocessingManifest Manifest, float[][] Features, float[] Labels) Featurize(Frame train, FeaturizeOptions featurize, Action<string> phase)
    {
        var manifest = Featurizer.Fit(train, featurize);
        phase("fit preprocessing");
        var transformer = new FeatureTransformer(manifest);
        var features = transformer.Transform(train);
        var labels = transformer.Labels(train);
        phase("transform");
        return (manifest, features, labels);
    }

    private static SortedDictionary<string, double> Sorted(IReadOnlyDictionary<string, double> values) => new(values.ToDictionary(), StringComparer.Ordinal);

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
