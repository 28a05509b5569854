using Lockstep.Errors;
using Lockstep.ML.Bundles;
using Lockstep.ML.Features;
using Lockstep.ML.Training;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;

namespace Lockstep.ML.Ensembles;

/// <summary>
/// Fits a stacking combiner on out-of-fold predictions: rows the members did not see when they
/// were trained (the tune step's cross-validation). Binary: L-BFGS logistic regression on the
/// members' logits; multiclass: L-BFGS maximum entropy on their class scores; regression: least
/// squares with a tiny ridge. All single-threaded with the step's seed, so the weights are the
/// same on every run.
/// </summary>
public static class StackingFitter
{
    /// <param name="members">Per member, its prediction for each row (rows aligned across members).</param>
    /// <param name="labels">Per row, the label index (classification) or value (regression).</param>
    public static EnsembleCombiner Fit(IReadOnlyList<Prediction[]> members, float[] labels, TaskKind task, int classCount, int seed)
    {
        ArgumentNullException.ThrowIfNull(members);
        ArgumentNullException.ThrowIfNull(labels);
        if (labels.Length == 0)
        {
            throw new StepInputException("stacking has no out-of-fold rows with a label to fit the meta-model on");
        }
        return task switch
        {
            TaskKind.Binary => Logistic(members, labels, seed),
            TaskKind.Multiclass => Softmax(members, labels, classCount, seed),
            _ => LeastSquares(members, labels),
        };
    }

    private static EnsembleCombiner Logistic(IReadOnlyList<Prediction[]> members, float[] labels, int seed)
    {
        var ml = new MLContext(seed);
        var rows = new List<BinaryTrainRow>(labels.Length);
        for (var r = 0; r < labels.Length; r++)
        {
            rows.Add(new BinaryTrainRow { Label = labels[r] > 0.5f, Features = members.Select(m => (float)EnsembleCombiner.Logit(m[r].Probability ?? 0)).ToArray() });
        }
        var data = ml.Data.LoadFromEnumerable(rows, Definition(typeof(BinaryTrainRow), members.Count));
        var trainer = ml.BinaryClassification.Trainers.LbfgsLogisticRegression(new LbfgsLogisticRegressionBinaryTrainer.Options
        {
            NumberOfThreads = 1, L1Regularization = 0, L2Regularization = 1, ShowTrainingStatistics = false,
        });
        var linear = trainer.Fit(data).Model.SubModel;
        return new EnsembleCombiner(EnsembleMethod.Logistic, "logit(probability)", [linear.Weights.Select(w => (double)w).ToArray()], [linear.Bias]);
    }

    private static EnsembleCombiner Softmax(IReadOnlyList<Prediction[]> members, float[] labels, int classCount, int seed)
    {
        var ml = new MLContext(seed);
        var width = members.Count * classCount;
        var rows = new List<KeyTrainRow>(labels.Length);
        for (var r = 0; r < labels.Length; r++)
        {
            var x = new float[width];
            for (var m = 0; m < members.Count; m++)
            {
                var s = members[m][r].ClassScores ?? [];
                for (var c = 0; c < classCount && c < s.Count; c++)
                {
                    x[m * classCount + c] = s[c];
                }
            }
            rows.Add(new KeyTrainRow { Label = (uint)labels[r], Features = x });
        }
        var definition = Definition(typeof(KeyTrainRow), width);
        definition["Label"].ColumnType = new KeyDataViewType(typeof(uint), classCount);
        var data = ml.Data.LoadFromEnumerable(rows, definition);
        var model = ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy(new LbfgsMaximumEntropyMulticlassTrainer.Options
        {
            NumberOfThreads = 1, L1Regularization = 0, L2Regularization = 1, ShowTrainingStatistics = false,
        }).Fit(data).Model;
        VBuffer<float>[] weights = [];
        model.GetWeights(ref weights, out var classes);
        var bias = model.GetBiases().ToArray();
        if (classes != classCount)
        {
            throw new InvalidOperationException($"the stacking meta-model has {classes} classes, expected {classCount}");
        }
        var dense = weights.Select(w => (IReadOnlyList<double>)w.DenseValues().Select(v => (double)v).ToArray()).ToArray();
        return new EnsembleCombiner(EnsembleMethod.Softmax, "class_scores", dense, bias.Select(v => (double)v).ToArray());
    }

    /// <summary>
    /// Ordinary least squares with intercept by the normal equations (K+1 unknowns, K the number of
    /// members, so a few at most). Hand-written because ML.NET's OLS trainer needs the native MKL
    /// package and SDCA iterates without converging on unscaled targets; a tiny ridge keeps the
    /// system solvable when two members predict almost the same.
    /// </summary>
    private static EnsembleCombiner LeastSquares(IReadOnlyList<Prediction[]> members, float[] labels)
    {
        var k = members.Count + 1;
        var a = new double[k, k];
        var b = new double[k];
        var x = new double[k];
        for (var r = 0; r < labels.Length; r++)
        {
            x[0] = 1;
            for (var m = 0; m < members.Count; m++)
            {
                x[m + 1] = members[m][r].Score;
            }
            for (var i = 0; i < k; i++)
            {
                b[i] += x[i] * labels[r];
                for (var j = 0; j < k; j++)
                {
                    a[i, j] += x[i] * x[j];
                }
            }
        }
        for (var i = 1; i < k; i++)
        {
            a[i, i] += 1e-9 * a[i, i] + 1e-12;
        }
        var solution = Solve(a, b);
        return new EnsembleCombiner(EnsembleMethod.Linear, "prediction", [solution[1..]], [solution[0]]);
    }

    /// <summary>Gaussian elimination with partial pivoting.</summary>
    private static double[] Solve(double[,] a, double[] b)
    {
        var n = b.Length;
        for (var col = 0; col < n; col++)
        {
            var pivot = col;
            for (var row = col + 1; row < n; row++)
            {
                if (Math.Abs(a[row, col]) > Math.Abs(a[pivot, col]))
                {
                    pivot = row;
                }
            }
            if (Math.Abs(a[pivot, col]) < 1e-300)
            {
                throw new StepInputException("the stacking meta-model cannot be fitted: the members' predictions are constant; use method: average");
            }
            if (pivot != col)
            {
                for (var j = 0; j < n; j++)
                {
                    (a[col, j], a[pivot, j]) = (a[pivot, j], a[col, j]);
                }
                (b[col], b[pivot]) = (b[pivot], b[col]);
            }
            for (var row = col + 1; row < n; row++)
            {
                var f = a[row, col] / a[col, col];
                for (var j = col; j < n; j++)
                {
                    a[row, j] -= f * a[col, j];
                }
                b[row] -= f * b[col];
            }
        }
        var result = new double[n];
        for (var row = n - 1; row >= 0; row--)
        {
            var s = b[row];
            for (var j = row + 1; j < n; j++)
            {
                s -= a[row, j] * result[j];
            }
            result[row] = s / a[row, row];
        }
        return result;
    }

    private static SchemaDefinition Definition(Type rowType, int width)
    {
        var definition = SchemaDefinition.Create(rowType);
        definition["Features"].ColumnType = new VectorDataViewType(NumberDataViewType.Single, width);
        return definition;
    }
}
