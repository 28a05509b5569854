using System.Text.Json;
using System.Text.Json.Nodes;
using Lockstep.Hashing;
using Lockstep.Errors;
using Lockstep.ML.Bundles;
using Lockstep.ML.Ensembles;
using Lockstep.ML.Training;
using Lockstep.Steps;

namespace Lockstep.ML.Steps;

/// <summary>
/// Fits the preprocessing on the training data only, trains an ML.NET model on it and writes the
/// model bundle plus the preprocessing manifest as a readable artifact. When the tune result it
/// reads planned an ensemble, it trains every member on the whole training data and writes an
/// ensemble bundle. Deterministic: every trainer runs single-threaded with the step's seed.
/// </summary>
public sealed class TrainStep : IStepType
{
    public StepSignature Signature { get; } = new()
    {
        Type = "train",
        Description = "Fits preprocessing on the training data and trains an ML.NET model (lightgbm, fasttree, sdca, lbfgs) into a model bundle.",
        UsesSeed = true,
        Deterministic = true,
        Inputs =
        [
            new InputSpec("train", true, "the training rows: a snapshot or a delimited text file"),
            new InputSpec("schema", false, "schema/1 YAML (the one the validate step checks): the bundle validates requests against its expectations for the columns the model reads, instead of ranges inferred from the training rows"),
            new InputSpec("tuned", false, "the output of a tune step; its best hyperparameters override 'hyperparameters', and an ensemble it planned is built instead of one model"),
        ],
        Outputs =
        [
            new OutputSpec("bundle", "the model bundle (metrics are filled in by evaluate)"),
            new OutputSpec("preprocessing", "the fitted preprocessing manifest (JSON)"),
        ],
        Parameters = TrainingParameters.Specs,
    };

    public async Task ExecuteAsync(StepContext context, CancellationToken cancellationToken)
    {
        // Phase timings go to the step log only, to show where the step's time goes.
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var table = await StepData.ReadTableAsync(context, "train", cancellationToken).ConfigureAwait(false);
        context.Log.WriteLine($"  read input: {watch.Elapsed.TotalMilliseconds:0} ms");
        watch.Restart();
        var frame = Frames.TableFrames.ToFrame(table);
        context.Log.WriteLine($"  to frame: {watch.Elapsed.TotalMilliseconds:0} ms");
        JsonObject? tuned = null;
        EnsemblePlan? plan = null;
        if (context.Inputs.ContainsKey("tuned"))
        {
            var tune = JsonNode.Parse(await File.ReadAllTextAsync(context.Input("tuned").Path, cancellationToken).ConfigureAwait(false));
            tuned = tune?["best"]?["hyperparameters"]?.AsObject();
            plan = Plan(tune?["ensemble"]);
            context.Log.WriteLine(plan is null
                ? $"using the tuned hyperparameters {tuned?.ToJsonString()}"
                : $"building the tuned {plan.Method} ensemble of trials {string.Join(", ", plan.Members.Select(m => m.Trial))}");
        }
        var declared = context.Inputs.TryGetValue("schema", out var schemaInput)
            ? await Lockstep.Data.Schemas.DatasetSchema.LoadAsync(schemaInput.Path, schemaInput.Source, cancellationToken).ConfigureAwait(false)
            : null;
        var featurize = TrainingParameters.Featurize(context.Parameters);
        var trainer = TrainingParameters.Trainer(context.Parameters, tuned);
        var lineage = Lineage(context, trainer.Trainer);
        var result = plan is null
            ? ModelBuilder.Build(frame, table, featurize, trainer, context.Seed32, lineage, context.Log, declared)
            : ModelBuilder.BuildEnsemble(frame, table, featurize, plan, context.Seed32, lineage, context.Log, declared);
        watch.Restart();
        await result.Bundle.WriteAsync(context.OutputPath("bundle"), cancellationToken).ConfigureAwait(false);
        await File.WriteAllBytesAsync(context.OutputPath("preprocessing"), MLJson.ToBytes(result.Preprocessing), cancellationToken).ConfigureAwait(false);
        context.Log.WriteLine($"  write bundle and preprocessing: {watch.Elapsed.TotalMilliseconds:0} ms");
        context.SetMetric("training_rows", result.Model.TrainingRows);
        context.SetMetric("features", result.Preprocessing.FeatureNames.Count);
        context.SetMetric("model_bytes", result.Bundle.MemberModels.Sum(b => b.LongLength));
        context.Log.WriteLine($"trained {(plan is null ? trainer.Trainer : $"an ensemble of {plan.Members.Count}")} ({result.Preprocessing.Label.Task}) on {result.Model.TrainingRows} rows, {result.Preprocessing.FeatureNames.Count} features, seed {context.Seed32}");
    }

    private static EnsemblePlan? Plan(JsonNode? node)
    {
        if (node is null)
        {
            return null;
        }
        try
        {
            var plan = node.Deserialize<EnsemblePlan>(MLJson.Options);
            if (plan?.Members is not { Count: >= 2 } || plan.Combiner is null)
            {
                throw new System.Text.Json.JsonException("it needs at least two members and a combiner");
            }
            return plan;
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new StepInputException($"the tuned input's 'ensemble' is not an ensemble plan ({e.Message}); re-run the tune step");
        }
    }

    internal static ModelLineage Lineage(StepContext context, string trainer)
    {
        var parameters = new JsonObject();
        foreach (var name in context.Parameters.Names.Order(StringComparer.Ordinal))
        {
            parameters[name] = context.Parameters.GetNode(name)?.DeepClone();
        }
        var inputs = context.Inputs.OrderBy(i => i.Key, StringComparer.Ordinal).ToDictionary(i => i.Key, i => i.Value.Hash.Hex, StringComparer.Ordinal);
        return new ModelLineage(inputs, CanonicalJson.Hash(parameters).Hex, context.Seed, CodeIdentity.Current, trainer, context.StepId);
    }
}
