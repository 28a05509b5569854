using Lockstep.Errors;
using Lockstep.ML.Bundles;
using Lockstep.ML.Features;
using Lockstep.ML.Frames;

namespace Lockstep.ML.Evaluation;

/// <summary>
/// Scores a test frame with a loaded bundle (through the bundle's own preprocessing) and computes
/// the task's metrics, curves and a permutation feature importance (seeded, on at most
/// <see cref="ImportanceRows"/> rows).
/// </summary>
public static class Evaluator
{
    public const int ImportanceRows = 2000;

    public static EvaluationResult Evaluate(LoadedModel model, Frame test, int seed, bool importance = true) =>
        Evaluate(model, test, seed, importance, out _);

    /// <summary>Evaluates and also hands back each scored row: its index in <paramref name="test"/>, its label and the prediction (the tune step stacks on these).</summary>
    internal static EvaluationResult Evaluate(LoadedModel model, Frame test, int seed, bool importance, out (int[] Rows, float[] Labels, Prediction[] Predictions) scored)
    {
        var transformer = model.Transformer;
        var allFeatures = transformer.Transform(test);
        var allLabels = transformer.Labels(test);
        var keep = Enumerable.Range(0, allLabels.Length).Where(i => !float.IsNaN(allLabels[i])).ToArray();
        if (keep.Length == 0)
        {
            throw new StepInputException($"no test row has a usable value in label column '{model.Preprocessing.Label.Column}' (classes: {string.Join(", ", model.Preprocessing.Label.Classes ?? [])}); check 'label_trim' and the test file");
        }
        var features = keep.Select(i => allFeatures[i]).ToArray();
        var labels = keep.Select(i => allLabels[i]).ToArray();
        var result = Score(model, features, labels, out var predictions);
        scored = (keep, labels, predictions);
        result.Metrics["rows_without_label"] = allLabels.Length - keep.Length;
        var label = model.Preprocessing.Label;
        // Binary confusion rows/columns are [negative, positive]; others follow the class order.
        result.Classes = label.PositiveClass is { } positive
            ? [label.Classes!.First(c => c != positive), positive]
            : label.Classes ?? [];
        if (importance)
        {
            Importance(model, features, labels, result, seed);
        }
        return result;
    }

    private static EvaluationResult Score(LoadedModel model, float[][] features, float[] labels) => Score(model, features, labels, out _);

    private static EvaluationResult Score(LoadedModel model, float[][] features, float[] labels, out Prediction[] predictions)
    {
        var result = new EvaluationResult();
        predictions = model.PredictFeatureBatch(features);
        switch (model.Task)
        {
            case TaskKind.Binary:
                Metrics.Binary(labels, predictions.Select(p => p.Probability ?? 0f).ToArray(), result);
                break;
            case TaskKind.Multiclass:
                Metrics.Multiclass(labels.Select(l => (int)l).ToArray(), predictions.Select(p => p.ClassScores ?? []).ToArray(), model.Preprocessing.Label.Classes!.Count, result);
                break;
            default:
                Metrics.Regression(labels, predictions.Select(p => p.Score).ToArray(), result);
                break;
        }
        return result;
    }

    private static void Importance(LoadedModel model, float[][] features, float[] labels, EvaluationResult result, int seed)
    {
        var rows = Math.Min(ImportanceRows, features.Length);
        var sample = features.Take(rows).ToArray();
        var sampleLabels = labels.Take(rows).ToArray();
        var baseline = Score(model, sample, sampleLabels).Metrics[result.PrimaryMetric];
        var random = new Random(seed);
        foreach (var feature in model.Preprocessing.Features)
        {
            var order = Enumerable.Range(0, rows).ToArray();
            random.Shuffle(order);
            var permuted = new float[rows][];
            for (var r = 0; r < rows; r++)
            {
                permuted[r] = (float[])sample[r].Clone();
                Array.Copy(sample[order[r]], feature.Offset, permuted[r], feature.Offset, feature.Width);
            }
            var score = Score(model, permuted, sampleLabels).Metrics[result.PrimaryMetric];
            result.Importance.Add((feature.Column, baseline - score));
        }
        result.Importance.Sort((a, b) => b.Drop.CompareTo(a.Drop) is var c && c != 0 ? c : string.CompareOrdinal(a.Column, b.Column));
    }
}
