using System.Text;
using Lockstep.ML.Features;

namespace Lockstep.ML.Evaluation;

/// <summary>
/// The evaluation report: one self-contained HTML page (inline SVG, no scripts) with the metrics,
/// ROC and precision-recall curves, calibration, confusion matrix, residuals and feature
/// importance. No timestamps, so the same evaluation gives the same bytes.
/// </summary>
public static class HtmlReport
{
    public static string Render(string title, EvaluationResult result, PreprocessingManifest manifest)
    {
        var sb = new StringBuilder();
        sb.Append("<!DOCTYPE html><html><head><meta charset='utf-8'><title>").Append(SvgPlot.Esc(title)).Append("</title>")
          .Append("<style>body{font-family:system-ui,sans-serif;margin:24px;color:#222}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}th{background:#f3f3f3}.plots svg{margin:8px;border:1px solid #eee}</style></head><body>");
        sb.Append("<h1>").Append(SvgPlot.Esc(title)).Append("</h1>");
        sb.Append($"<p>Task: {SvgPlot.Esc(manifest.Label.Task)} · label <code>{SvgPlot.Esc(manifest.Label.Column)}</code> · {manifest.FeatureNames.Count} features from {manifest.Features.Count} columns · primary metric <b>{SvgPlot.Esc(result.PrimaryMetric)}</b></p>");
        sb.Append("<h2>Metrics</h2><table><tr><th>metric</th><th>value</th></tr>");
        foreach (var (name, value) in result.Metrics)
        {
            sb.Append($"<tr><td style='text-align:left'>{SvgPlot.Esc(name)}</td><td>{SvgPlot.F(value)}</td></tr>");
        }
        sb.Append("</table><div class='plots'>");
        sb.Append(SvgPlot.Line("ROC curve", "false positive rate", "true positive rate", result.Roc, diagonal: true));
        sb.Append(SvgPlot.Line("Precision-recall", "recall", "precision", result.PrecisionRecall, diagonal: true));
        sb.Append(SvgPlot.Line("Calibration", "predicted probability", "observed rate", result.Calibration.Select(c => (c.Predicted, c.Observed)).ToList(), diagonal: true));
        sb.Append(SvgPlot.Line("Residuals", "predicted", "actual − predicted", result.Residuals.Select(r => (r.Predicted, r.Residual)).ToList(), diagonal: false, scatter: true));
        sb.Append("</div>");
        if (result.Confusion is { } m)
        {
            var classes = result.Classes;
            sb.Append("<h2>Confusion matrix</h2><table><tr><th>actual \\ predicted</th>");
            for (var c = 0; c < m.GetLength(1); c++)
            {
                sb.Append("<th>").Append(SvgPlot.Esc(c < classes.Count ? classes[c] : c.ToString(System.Globalization.CultureInfo.InvariantCulture))).Append("</th>");
            }
            sb.Append("</tr>");
            for (var r = 0; r < m.GetLength(0); r++)
            {
                sb.Append("<tr><th>").Append(SvgPlot.Esc(r < classes.Count ? classes[r] : r.ToString(System.Globalization.CultureInfo.InvariantCulture))).Append("</th>");
                for (var c = 0; c < m.GetLength(1); c++)
                {
                    sb.Append("<td>").Append(m[r, c]).Append("</td>");
                }
                sb.Append("</tr>");
            }
            sb.Append("</table>");
        }
        sb.Append("<h2>Feature importance</h2><p>Drop in ").Append(SvgPlot.Esc(result.PrimaryMetric)).Append(" when a column's values are shuffled (permutation importance).</p>");
        sb.Append(SvgPlot.Bars("Permutation importance", result.Importance.Select(i => (i.Column, i.Drop)).ToList()));
        return sb.Append("</body></html>").ToString();
    }
}
