using Lockstep.ML.Bundles;
using Lockstep.ML.Features;

namespace Lockstep.ML.Ensembles;

/// <summary>
/// The fitted combiner of an ensemble: its <see cref="Kind"/> (see <see cref="EnsembleMethod"/>),
/// what it reads from each member (<see cref="Input"/>), one row of weights per output (one output
/// for binary and regression, one per class for multiclass softmax) and one bias per output.
/// Arithmetic is in double and the result rounded to float once, so a prediction depends only on
/// the members' outputs and these numbers.
/// </summary>
public sealed record EnsembleCombiner(string Kind, string Input, IReadOnlyList<IReadOnlyList<double>> Weights, IReadOnlyList<double> Bias)
{
    /// <summary>Probabilities are clamped this far from 0 and 1 before taking the logit, so a member that says 0 or 1 does not give ±∞.</summary>
    public const double ProbabilityClamp = 1e-7;

    /// <summary>The equal-weight mean of <paramref name="members"/> members.</summary>
    public static EnsembleCombiner Mean(TaskKind task, int members) => new(
        EnsembleMethod.Mean,
        task switch { TaskKind.Binary => "probability", TaskKind.Multiclass => "class_scores", _ => "prediction" },
        [Enumerable.Repeat(1.0 / members, members).ToArray()],
        [0.0]);

    /// <summary>logit(p) with p clamped to [<see cref="ProbabilityClamp"/>, 1 − <see cref="ProbabilityClamp"/>].</summary>
    public static double Logit(double p)
    {
        p = Math.Clamp(p, ProbabilityClamp, 1 - ProbabilityClamp);
        return Math.Log(p / (1 - p));
    }

    /// <summary>Combines one prediction per member (in member order) into the ensemble's prediction.</summary>
    public Prediction Combine(ReadOnlySpan<Prediction> members, TaskKind task, IReadOnlyList<string> classes, int positiveIndex)
    {
        switch (task)
        {
            case TaskKind.Binary:
                {
                    var w = Weights[0];
                    double probability, score;
                    if (Kind == EnsembleMethod.Logistic)
                    {
                        var z = Bias[0];
                        for (var i = 0; i < members.Length; i++)
                        {
                            z += w[i] * Logit(members[i].Probability ?? 0);
                        }
                        score = z;
                        probability = 1 / (1 + Math.Exp(-z));
                    }
                    else
                    {
                        probability = 0;
                        score = 0;
                        for (var i = 0; i < members.Length; i++)
                        {
                            probability += w[i] * (members[i].Probability ?? 0);
                            score += w[i] * members[i].Score;
                        }
                    }
                    var label = classes.Count == 2 && positiveIndex >= 0 ? classes[probability >= 0.5 ? positiveIndex : 1 - positiveIndex] : null;
                    return new Prediction((float)score, (float)probability, label, null);
                }
            case TaskKind.Multiclass:
                {
                    var scores = Kind == EnsembleMethod.Softmax ? Softmax(members) : MeanScores(members);
                    var best = 0;
                    for (var c = 1; c < scores.Length; c++)
                    {
                        if (scores[c] > scores[best])
                        {
                            best = c;
                        }
                    }
                    return new Prediction(scores[best], scores[best], best < classes.Count ? classes[best] : null, scores);
                }
            default:
                {
                    var w = Weights[0];
                    var y = Kind == EnsembleMethod.Linear ? Bias[0] : 0;
                    for (var i = 0; i < members.Length; i++)
                    {
                        y += w[i] * members[i].Score;
                    }
                    return new Prediction((float)y, null, null, null);
                }
        }
    }

    private float[] MeanScores(ReadOnlySpan<Prediction> members)
    {
        var w = Weights[0];
        var width = members[0].ClassScores?.Count ?? 0;
        var sums = new double[width];
        for (var i = 0; i < members.Length; i++)
        {
            var s = members[i].ClassScores ?? [];
            for (var c = 0; c < width && c < s.Count; c++)
            {
                sums[c] += w[i] * s[c];
            }
        }
        return sums.Select(v => (float)v).ToArray();
    }

    private float[] Softmax(ReadOnlySpan<Prediction> members)
    {
        var inputs = new List<float>();
        foreach (var m in members)
        {
            inputs.AddRange(m.ClassScores ?? []);
        }
        var z = new double[Weights.Count];
        for (var c = 0; c < z.Length; c++)
        {
            var row = Weights[c];
            z[c] = Bias[c];
            for (var j = 0; j < row.Count && j < inputs.Count; j++)
            {
                z[c] += row[j] * inputs[j];
            }
        }
        var max = z.Max();
        var exp = z.Select(v => Math.Exp(v - max)).ToArray();
        var total = exp.Sum();
        return exp.Select(v => (float)(v / total)).ToArray();
    }
}
