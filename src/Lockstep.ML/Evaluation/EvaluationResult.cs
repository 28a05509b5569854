namespace Lockstep.ML.Evaluation;

/// <summary>
/// What evaluation found: flat metrics (name → value, for metrics.json, gates and the registry)
/// and the series the HTML report plots.
/// </summary>
public sealed class EvaluationResult
{
    public SortedDictionary<string, double> Metrics { get; } = new(StringComparer.Ordinal);
    public List<(double X, double Y)> Roc { get; } = [];
    public List<(double X, double Y)> PrecisionRecall { get; } = [];
    /// <summary>Per bin: mean predicted probability, observed positive rate, rows.</summary>
    public List<(double Predicted, double Observed, int Rows)> Calibration { get; } = [];
    /// <summary>Rows are actual classes, columns predicted classes.</summary>
    public long[,]? Confusion { get; set; }
    public IReadOnlyList<string> Classes { get; set; } = [];
    /// <summary>Regression: (predicted, actual - predicted) for a sample of rows.</summary>
    public List<(double Predicted, double Residual)> Residuals { get; } = [];
    /// <summary>Input column → drop in the primary metric when the column is shuffled.</summary>
    public List<(string Column, double Drop)> Importance { get; } = [];
    public string PrimaryMetric { get; set; } = "";
}
