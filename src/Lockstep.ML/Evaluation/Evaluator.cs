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
        predictions = model.PredictFeatureBatch(features);
        return MetricsOf(model, predictions, labels);
    }

    /// <summary>The task's metrics for predictions already made.</summary>
    private static EvaluationResult MetricsOf(LoadedModel model, Prediction[] predictions, float[] labels)
    {
        var result = new EvaluationResult();
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
        var columns = model.Preprocessing.Features;
        // Every column's permuted copy is scored in one batch: one pass through the model instead of
        // one per column (each pass has a fixed cost for building and reading an ML.NET data view).
        var permuted = new float[rows * columns.Count][];
        for (var f = 0; f < columns.Count; f++)
        {
            var feature = columns[f];
            var order = Enumerable.Range(0, rows).ToArray();
            random.Shuffle(order);
            for (var r = 0; r < rows; r++)
            {
                var row = (float[])sample[r].Clone();
                Array.Copy(sample[order[r]], feature.Offset, row, feature.Offset, feature.Width);
                permuted[f * rows + r] = row;
            }
        }
        var predictions = permuted.Length == 0 ? [] : model.PredictFeatureBatch(permuted);
        for (var f = 0; f < columns.Count; f++)
        {
            var score = MetricsOf(model, predictions.AsSpan(f * rows, rows).ToArray(), sampleLabels).Metrics[result.PrimaryMetric];
            result.Importance.Add((columns[f].Column, baseline - score));
        }
        result.Importance.Sort((a, b) => b.Drop.CompareTo(a.Drop) is var c && c != 0 ? c : string.CompareOrdinal(a.Column, b.Column));
    }
}
