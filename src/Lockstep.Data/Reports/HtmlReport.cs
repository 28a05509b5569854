using System.Globalization;
using System.Text;
using Lockstep.Data.Statistics;

namespace Lockstep.Data.Reports;

/// <summary>
/// A self-contained HTML page of a snapshot's statistics: a missing-value overview, then per
/// column a summary table and a histogram or category bars. Inline CSS and SVG only, no scripts;
/// deterministic (no timestamps), so it can be a cached step output.
/// </summary>
public static class HtmlReport
{
    public static string Render(string title, DatasetStatistics stats)
    {
        ArgumentNullException.ThrowIfNull(stats);
        var sb = new StringBuilder();
        sb.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
          .Append(Svg.Esc(title)).Append("</title><style>")
          .Append("body{font-family:system-ui,sans-serif;margin:2em;color:#222}h1{font-size:1.4em}h2{font-size:1.1em;margin:0 0 .4em}")
          .Append(".col{border:1px solid #ddd;border-radius:6px;padding:1em;margin:1em 0;display:flex;gap:2em;flex-wrap:wrap}")
          .Append("table{border-collapse:collapse;font-size:.9em}td{padding:2px 10px 2px 0}td:first-child{color:#666}.warn{color:#b4321e}")
          .Append("</style></head><body>\n");
        sb.Append("<h1>").Append(Svg.Esc(title)).Append("</h1>\n<p>")
          .Append(N(stats.RowCount)).Append(" rows × ").Append(stats.Columns.Count).Append(" columns</p>\n");

        sb.Append("<h2>Missing values</h2>\n");
        var missing = stats.Columns.Select(c => (c.Name, c.MissingRate * 100, $"{N(c.Missing)} ({c.MissingRate.ToString("P1", CultureInfo.InvariantCulture)})")).ToList();
        sb.Append(Svg.Rows(missing, 100, "missing values per column")).Append('\n');

        foreach (var c in stats.Columns)
        {
            sb.Append("<section class=\"col\"><div><h2>").Append(Svg.Esc(c.Name)).Append(" <small>").Append(c.Type).Append("</small></h2><table>");
            Row(sb, "count", N(c.Count));
            Row(sb, "missing", $"{N(c.Missing)} ({c.MissingRate.ToString("P1", CultureInfo.InvariantCulture)})", c.Missing > 0);
            Row(sb, "distinct", (c.DistinctAtLeast ? "≥ " : "") + N(c.Distinct));
            if (c.Mean is not null)
            {
                Row(sb, "mean", G(c.Mean));
                Row(sb, "std dev", G(c.StdDev));
                Row(sb, "min", G(c.Min));
                foreach (var (p, v) in c.Quantiles ?? new Dictionary<string, double>())
                {
                    Row(sb, $"p{double.Parse(p, CultureInfo.InvariantCulture) * 100:0.#}", G(v) + (c.QuantilesExact == false ? " ≈" : ""));
                }
                Row(sb, "max", G(c.Max));
            }
            if (c.NonFinite > 0)
            {
                Row(sb, "NaN/∞", N(c.NonFinite), warn: true);
            }
            if (c.Lengths is { } len)
            {
                Row(sb, "text length", $"{len.Min} – {len.Max} (mean {len.Mean.ToString("0.#", CultureInfo.InvariantCulture)})");
            }
            sb.Append("</table></div><div>");
            if (c.Histogram is { Count: > 0 } h)
            {
                sb.Append(Svg.Columns(h.Select(b => b.Count).ToArray(), G(h[0].Low), G(h[^1].High), $"histogram of {c.Name}"));
            }
            else if (c.Top is { Count: > 0 } top)
            {
                var rows = top.Take(12).Select(t => (t.Value, (double)t.Count, N(t.Count))).ToList();
                sb.Append(Svg.Rows(rows, top.Max(t => t.Count), $"most frequent values of {c.Name}"));
                if (c.Distinct > rows.Count)
                {
                    sb.Append("<p><small>").Append(N(c.Distinct - rows.Count)).Append(c.DistinctAtLeast ? "+" : "").Append(" more values</small></p>");
                }
            }
            sb.Append("</div></section>\n");
        }
        sb.Append("</body></html>\n");
        return sb.ToString();
    }

    private static void Row(StringBuilder sb, string label, string value, bool warn = false) =>
        sb.Append("<tr><td>").Append(label).Append("</td><td").Append(warn ? " class=\"warn\"" : "").Append('>').Append(Svg.Esc(value)).Append("</td></tr>");

    private static string N(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

    private static string G(double? v) => v is { } d ? d.ToString(Math.Abs(d) >= 1e6 || (Math.Abs(d) < 1e-3 && d != 0) ? "0.###e+0" : "0.####", CultureInfo.InvariantCulture) : "";
}
