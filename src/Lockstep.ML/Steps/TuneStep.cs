using System.Diagnostics;
using System.Text.Json.Nodes;
using Lockstep.Errors;
using Lockstep.ML.Bundles;
using Lockstep.ML.Ensembles;
using Lockstep.ML.Evaluation;
using Lockstep.ML.Splitting;
using Lockstep.ML.Training;
using Lockstep.ML.Tuning;
using Lockstep.Pipelines;
using Lockstep.Steps;

namespace Lockstep.ML.Steps;

/// <summary>
/// Grid or seeded random search over declared hyperparameter ranges, each trial scored by k-fold
/// cross-validation (or one validation split) with the preprocessing refitted on each fold's
/// training part. Writes every trial's parameters and scores and the best one; a train step reads
/// it through its 'tuned' input. With <c>ensemble: {method, top_k}</c> it also plans an ensemble of
/// the best trials (stacking weights fitted on the trials' out-of-fold predictions), which the
/// train step builds. Trial times go to the log and the step's metrics, not into the output, which
/// stays bit-identical on re-run.
/// </summary>
public sealed class TuneStep : IStepType
{
    public StepSignature Signature { get; } = new()
    {
        Type = "tune",
        Description = "Searches hyperparameters (grid or seeded random) scored by k-fold cross-validation; writes every trial and the best, and with ensemble: an average or stacking ensemble of the best trials for train to build.",
        UsesSeed = true,
        Inputs = [new InputSpec("train", true, "the training rows: a snapshot or a delimited text file")],
        Outputs = [new OutputSpec("result", "every trial and the best hyperparameters (JSON)")],
        Parameters =
        [
            .. TrainingParameters.Specs,
            ParameterSpec.Req("space", ParameterKind.Map, "hyperparameter → list of values, or {min, max, log, integer}"),
            ParameterSpec.Opt("search", ParameterKind.String, "grid", "grid or random") with { Choices = ["grid", "random"] },
            ParameterSpec.Opt("trials", ParameterKind.Integer, 10L, "random search: how many draws"),
            ParameterSpec.Opt("folds", ParameterKind.Integer, 3L, "k for k-fold cross-validation (0: one validation split)"),
            ParameterSpec.Opt("validation_fraction", ParameterKind.Number, 0.2, "with folds: 0, the share of rows held out"),
            ParameterSpec.Opt("metric", ParameterKind.String, null, "the metric to optimise (default: auc, macro_accuracy or r2)"),
            ParameterSpec.Opt("ensemble", ParameterKind.Map, null, "combine the best trials: {method: average|stacking, top_k: 3}; the train step builds it"),
        ],
    };

    public IEnumerable<PipelineProblem> Validate(StepDeclaration step, StepParameters parameters)
    {
        if (parameters.GetNode("ensemble") is null)
        {
            yield break;
        }
        if (parameters.GetNode("ensemble") is not System.Text.Json.Nodes.JsonObject map)
        {
            yield return new PipelineProblem(parameters.LocationOf("ensemble"), $"tune step '{step.Id}': ensemble must be a mapping, e.g. ensemble: {{method: average, top_k: 3}}");
            yield break;
        }
        var options = EnsembleOptions.Parse(map, out var problems);
        foreach (var problem in problems)
        {
            yield return new PipelineProblem(parameters.LocationOf("ensemble"), $"tune step '{step.Id}': {problem}");
        }
        if (options is not null && PlannedTrials(parameters) is { } count && count < options.TopK)
        {
            yield return new PipelineProblem(parameters.LocationOf("ensemble"), $"tune step '{step.Id}': ensemble.top_k is {options.TopK} but the search runs only {count} trials; lower top_k or declare more trials");
        }
    }

    /// <summary>How many trials the search will run, when it can be told from the parameters alone.</summary>
    private static long? PlannedTrials(StepParameters p)
    {
        if ((p.GetStringOrNull("search") ?? "grid") == "random")
        {
            return p.GetNode("trials") is { } n && JsonNumbers.TryGet(n, out var t) ? (long)t : 10;
        }
        long product = 1;
        foreach (var (_, node) in p.GetNode("space") as System.Text.Json.Nodes.JsonObject ?? [])
        {
            if (node is not System.Text.Json.Nodes.JsonArray values)
            {
                return null;
            }
            product *= values.Count;
        }
        return product;
    }

    public async Task ExecuteAsync(StepContext context, CancellationToken cancellationToken)
    {
        var frame = await StepData.ReadFrameAsync(context, "train", cancellationToken).ConfigureAwait(false);
        var p = context.Parameters;
        var featurize = TrainingParameters.Featurize(p);
        var baseSpec = TrainingParameters.Trainer(p);
        var space = SearchSpace.Parse(p.GetMap("space")!);
        var candidates = (p.GetStringOrNull("search") ?? "grid") == "random"
            ? space.Random((int)(p.GetInt64OrNull("trials") ?? 10), context.Seed32)
            : space.Grid();
        var k = (int)(p.GetInt64OrNull("folds") ?? 3);
        var parts = k >= 2
            ? Splitter.KFold(frame.RowCount, k, context.Seed32)
            : [Splitter.Random(frame.RowCount, p.GetDoubleOrNull("validation_fraction") ?? 0.2, context.Seed32)];
        var lineage = TrainStep.Lineage(context, baseSpec.Trainer);
        string? metric = p.GetStringOrNull("metric");
        var ensemble = EnsembleOptions.Parse(p.GetMap("ensemble"), out var ensembleProblems);
        if (ensembleProblems.Count > 0)
        {
            throw new StepInputException(string.Join("; ", ensembleProblems));
        }
        // Stacking fits on out-of-fold predictions: every trial keeps its prediction for each row a
        // validation part scored, with that row's label as the fold encoded it.
        var stacking = ensemble?.Method == EnsembleMethod.Stacking;
        var outOfFoldLabels = Enumerable.Repeat(float.NaN, frame.RowCount).ToArray();
        var scored = new List<EnsemblePlanner.Trial>();
        IReadOnlyList<string>? classes = null;
        Features.TaskKind task = featurize.Task;
        var trials = new JsonArray();
        (double Score, Dictionary<string, double> Values)? best = null;
        for (var t = 0; t < candidates.Count; t++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var values = new Dictionary<string, double>(baseSpec.Hyperparameters, StringComparer.Ordinal);
            foreach (var (name, v) in candidates[t])
            {
                values[name] = v;
            }
            var spec = new TrainerSpec(baseSpec.Trainer, values).Validated();
            var watch = Stopwatch.StartNew();
            var scores = new List<double>();
            var outOfFold = new Prediction?[stacking ? frame.RowCount : 0];
            foreach (var (trainRows, validRows) in parts)
            {
                var result = ModelBuilder.Build(frame.Take(trainRows), featurize, spec, context.Seed32, lineage);
                var evaluation = Evaluator.Evaluate(LoadedModel.FromBundle(result.Bundle), frame.Take(validRows), context.Seed32, importance: false, out var rows);
                if (stacking)
                {
                    classes ??= result.Preprocessing.Label.Classes;
                    if (task == Features.TaskKind.Multiclass && !(result.Preprocessing.Label.Classes ?? []).SequenceEqual(classes ?? []))
                    {
                        throw new StepInputException($"stacking needs every class in every fold's training part, but one fold has classes [{string.Join(", ", result.Preprocessing.Label.Classes ?? [])}] and another [{string.Join(", ", classes ?? [])}]; use fewer folds or ensemble method average");
                    }
                    for (var i = 0; i < rows.Rows.Length; i++)
                    {
                        outOfFold[validRows[rows.Rows[i]]] = rows.Predictions[i];
                        outOfFoldLabels[validRows[rows.Rows[i]]] = rows.Labels[i];
                    }
                }
                metric ??= evaluation.PrimaryMetric;
                if (!evaluation.Metrics.TryGetValue(metric, out var score))
                {
                    throw new StepInputException($"tune metric '{metric}' is not computed for this task; choose one of {string.Join(", ", evaluation.Metrics.Keys)}");
                }
                scores.Add(score);
            }
            var mean = scores.Average();
            var better = best is null || (MetricDocuments.LowerIsBetter(metric!) ? mean < best.Value.Score : mean > best.Value.Score);
            if (better)
            {
                best = (mean, values);
            }
            scored.Add(new EnsemblePlanner.Trial(t + 1, spec.Trainer, values, mean, outOfFold));
            context.SetMetric($"trial_{t + 1}_ms", Math.Round(watch.Elapsed.TotalMilliseconds));
            context.Log.WriteLine($"trial {t + 1}/{candidates.Count} {Json(candidates[t]).ToJsonString()}: {metric} {mean:0.#####} ({watch.Elapsed.TotalSeconds:0.0} s)");
            trials.Add(new JsonObject
            {
                ["trial"] = t + 1,
                ["hyperparameters"] = Json(values),
                ["score"] = mean,
                ["fold_scores"] = new JsonArray(scores.Select(s => (JsonNode)s).ToArray()),
            });
        }
        var document = new JsonObject
        {
            ["search"] = p.GetStringOrNull("search") ?? "grid",
            ["trainer"] = baseSpec.Trainer,
            ["metric"] = metric,
            ["direction"] = MetricDocuments.LowerIsBetter(metric!) ? "minimise" : "maximise",
            ["folds"] = k >= 2 ? k : 0,
            ["seed"] = context.Seed32,
            ["trials"] = trials,
            ["best"] = new JsonObject { ["hyperparameters"] = Json(best!.Value.Values), ["score"] = best.Value.Score },
        };
        if (ensemble is not null)
        {
            var plan = EnsemblePlanner.Plan(ensemble, scored, MetricDocuments.LowerIsBetter(metric!), outOfFoldLabels, task, classes?.Count ?? 0, context.Seed32);
            document["ensemble"] = System.Text.Json.JsonSerializer.SerializeToNode(plan, MLJson.Options);
            context.Log.WriteLine($"ensemble ({plan.Method}) of trials {string.Join(", ", plan.Members.Select(m => m.Trial))}; combiner {plan.Combiner.Kind} weights {System.Text.Json.JsonSerializer.Serialize(plan.Combiner.Weights)} bias {System.Text.Json.JsonSerializer.Serialize(plan.Combiner.Bias)}");
        }
        context.SetMetric("best_score", best.Value.Score);
        await File.WriteAllBytesAsync(context.OutputPath("result"), MLJson.ToBytes(document), cancellationToken).ConfigureAwait(false);
    }

    private static JsonObject Json(Dictionary<string, double> values)
    {
        var o = new JsonObject();
        foreach (var (k, v) in values.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            o[k] = v;
        }
        return o;
    }
}
