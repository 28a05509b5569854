namespace Lockstep.ML.Evaluation;

/// <summary>
/// Classification and regression metrics computed directly from labels and predictions (not via
/// ML.NET's evaluators) so that the report's curves and the numbers come from the same arithmetic.
/// </summary>
public static class Metrics
{
    /// <summary>Binary metrics and curves; <paramref name="labels"/> are 0/1, <paramref name="probabilities"/> of class 1.</summary>
    public static void Binary(IReadOnlyList<float> labels, IReadOnlyList<float> probabilities, EvaluationResult result)
    {
        var n = labels.Count;
        var order = Enumerable.Range(0, n).OrderByDescending(i => probabilities[i]).ThenBy(i => i).ToArray();
        var positives = labels.Count(l => l > 0.5f);
        var negatives = n - positives;
        // ROC and PR, stepping over groups of tied scores.
        double tp = 0, fp = 0, auc = 0, ap = 0, prevFpr = 0, prevTpr = 0, prevRecall = 0;
        result.Roc.Add((0, 0));
        var step = Math.Max(1, n / 200);
        for (var k = 0; k < n;)
        {
            var score = probabilities[order[k]];
            while (k < n && probabilities[order[k]] == score)
            {
                if (labels[order[k]] > 0.5f)
                {
                    tp++;
                }
                else
                {
                    fp++;
                }
                k++;
            }
            var tpr = positives == 0 ? 0 : tp / positives;
            var fpr = negatives == 0 ? 0 : fp / negatives;
            auc += (fpr - prevFpr) * (tpr + prevTpr) / 2;
            var precision = tp + fp == 0 ? 1 : tp / (tp + fp);
            ap += (tpr - prevRecall) * precision;
            if (k % step == 0 || k == n)
            {
                result.Roc.Add((fpr, tpr));
                result.PrecisionRecall.Add((tpr, precision));
            }
            (prevFpr, prevTpr, prevRecall) = (fpr, tpr, tpr);
        }
        long tn = 0, fpos = 0, fn = 0, tpos = 0;
        double logLoss = 0;
        var bins = new (double Sum, double Positives, int Rows)[10];
        for (var i = 0; i < n; i++)
        {
            var p = Math.Clamp((double)probabilities[i], 1e-15, 1 - 1e-15);
            var actual = labels[i] > 0.5f;
            var predicted = probabilities[i] >= 0.5f;
            logLoss -= actual ? Math.Log(p) : Math.Log(1 - p);
            _ = (actual, predicted) switch
            {
                (true, true) => tpos++,
                (true, false) => fn++,
                (false, true) => fpos++,
                _ => tn++,
            };
            var bin = Math.Min(9, (int)(probabilities[i] * 10));
            bins[bin] = (bins[bin].Sum + probabilities[i], bins[bin].Positives + (actual ? 1 : 0), bins[bin].Rows + 1);
        }
        foreach (var (sum, pos, rows) in bins)
        {
            if (rows > 0)
            {
                result.Calibration.Add((sum / rows, pos / rows, rows));
            }
        }
        var prec = tpos + fpos == 0 ? 0 : (double)tpos / (tpos + fpos);
        var rec = tpos + fn == 0 ? 0 : (double)tpos / (tpos + fn);
        result.Confusion = new long[,] { { tn, fpos }, { fn, tpos } };
        result.Metrics["auc"] = auc;
        result.Metrics["pr_auc"] = ap;
        result.Metrics["accuracy"] = n == 0 ? 0 : (double)(tpos + tn) / n;
        result.Metrics["precision"] = prec;
        result.Metrics["recall"] = rec;
        result.Metrics["f1"] = prec + rec == 0 ? 0 : 2 * prec * rec / (prec + rec);
        result.Metrics["log_loss"] = n == 0 ? 0 : logLoss / n;
        result.Metrics["rows"] = n;
        result.PrimaryMetric = "auc";
    }

    /// <summary>Multiclass metrics; <paramref name="scores"/> holds each row's class probabilities.</summary>
    public static void Multiclass(IReadOnlyList<int> labels, IReadOnlyList<IReadOnlyList<float>> scores, int classes, EvaluationResult result)
    {
        var confusion = new long[classes, classes];
        double logLoss = 0;
        for (var i = 0; i < labels.Count; i++)
        {
            var row = scores[i];
            var best = 0;
            for (var c = 1; c < row.Count; c++)
            {
                if (row[c] > row[best])
                {
                    best = c;
                }
            }
            confusion[labels[i], best]++;
            logLoss -= Math.Log(Math.Clamp((double)row[labels[i]], 1e-15, 1));
        }
        long correct = 0;
        double recallSum = 0, f1Sum = 0;
        var present = 0;
        for (var c = 0; c < classes; c++)
        {
            correct += confusion[c, c];
            long actual = 0, predicted = 0;
            for (var k = 0; k < classes; k++)
            {
                actual += confusion[c, k];
                predicted += confusion[k, c];
            }
            if (actual == 0)
            {
                continue;
            }
            present++;
            var recall = (double)confusion[c, c] / actual;
            var precision = predicted == 0 ? 0 : (double)confusion[c, c] / predicted;
            recallSum += recall;
            f1Sum += precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
        }
        var n = labels.Count;
        result.Confusion = confusion;
        result.Metrics["accuracy"] = n == 0 ? 0 : (double)correct / n;
        result.Metrics["micro_accuracy"] = result.Metrics["accuracy"];
        result.Metrics["macro_accuracy"] = present == 0 ? 0 : recallSum / present;
        result.Metrics["macro_f1"] = present == 0 ? 0 : f1Sum / present;
        result.Metrics["micro_f1"] = result.Metrics["accuracy"];
        result.Metrics["log_loss"] = n == 0 ? 0 : logLoss / n;
        result.Metrics["rows"] = n;
        result.PrimaryMetric = "macro_accuracy";
    }

    public static void Regression(IReadOnlyList<float> labels, IReadOnlyList<float> predictions, EvaluationResult result)
    {
        var n = labels.Count;
        double sse = 0, sae = 0, mean = 0;
        for (var i = 0; i < n; i++)
        {
            mean += labels[i];
        }
        mean = n == 0 ? 0 : mean / n;
        double sst = 0;
        var step = Math.Max(1, n / 500);
        for (var i = 0; i < n; i++)
        {
            var e = (double)labels[i] - predictions[i];
            sse += e * e;
            sae += Math.Abs(e);
            sst += (labels[i] - mean) * (labels[i] - mean);
            if (i % step == 0)
            {
                result.Residuals.Add((predictions[i], e));
            }
        }
        result.Metrics["rmse"] = n == 0 ? 0 : Math.Sqrt(sse / n);
        result.Metrics["mae"] = n == 0 ? 0 : sae / n;
        result.Metrics["r2"] = sst == 0 ? 0 : 1 - sse / sst;
        result.Metrics["rows"] = n;
        result.PrimaryMetric = "r2";
    }
}
