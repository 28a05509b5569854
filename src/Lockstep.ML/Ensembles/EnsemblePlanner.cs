using Lockstep.Errors;
using Lockstep.ML.Bundles;
using Lockstep.ML.Features;

namespace Lockstep.ML.Ensembles;

/// <summary>
/// Chooses an ensemble from the tune step's trials: the best <see cref="EnsembleOptions.TopK"/> by
/// the tune metric (ties: the earlier trial), combined with equal weights (average) or with a
/// meta-model fitted on their out-of-fold predictions (stacking).
/// </summary>
public static class EnsemblePlanner
{
    /// <summary>One scored trial; <paramref name="OutOfFold"/> holds its prediction for every training row a validation part scored (null elsewhere).</summary>
    public sealed record Trial(int Number, string Trainer, IReadOnlyDictionary<string, double> Hyperparameters, double Score, Prediction?[] OutOfFold);

    /// <param name="labels">Per training row, its label as the folds encoded it (NaN where no validation part scored it).</param>
    public static EnsemblePlan Plan(EnsembleOptions options, IReadOnlyList<Trial> trials, bool lowerIsBetter, float[] labels, TaskKind task, int classCount, int seed)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(trials);
        ArgumentNullException.ThrowIfNull(labels);
        if (trials.Count < options.TopK)
        {
            throw new StepInputException($"ensemble.top_k is {options.TopK} but only {trials.Count} trials ran; lower top_k or declare more trials");
        }
        var ranked = (lowerIsBetter ? trials.OrderBy(t => t.Score) : trials.OrderByDescending(t => t.Score)).ThenBy(t => t.Number).Take(options.TopK).ToList();
        var members = ranked.Select(t => new PlannedMember(t.Trainer, new SortedDictionary<string, double>(t.Hyperparameters.ToDictionary(), StringComparer.Ordinal), t.Number, t.Score)).ToList();
        if (options.Method == EnsembleMethod.Average)
        {
            return new EnsemblePlan(options.Method, members, EnsembleCombiner.Mean(task, members.Count));
        }
        var rows = Enumerable.Range(0, labels.Length).Where(r => !float.IsNaN(labels[r]) && ranked.All(t => t.OutOfFold[r] is not null)).ToArray();
        var predictions = ranked.Select(t => rows.Select(r => t.OutOfFold[r]!).ToArray()).ToList();
        var combiner = StackingFitter.Fit(predictions, rows.Select(r => labels[r]).ToArray(), task, classCount, seed);
        return new EnsemblePlan(options.Method, members, combiner);
    }
}
