using System.Globalization;
using System.Net;
using System.Text;

namespace Lockstep.Data.Reports;

/// <summary>Tiny inline-SVG bar charts (no scripts, no external resources).</summary>
internal static class Svg
{
    private static string F(double v) => v.ToString("0.##", CultureInfo.InvariantCulture);

    /// <summary>Vertical bars of equal width (a histogram); labels under the first and last bar.</summary>
    public static string Columns(IReadOnlyList<long> counts, string firstLabel, string lastLabel, string title)
    {
        const double width = 320, height = 110, plot = 90;
        var max = Math.Max(1, counts.Count == 0 ? 1 : counts.Max());
        var bar = width / Math.Max(1, counts.Count);
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"<svg class=\"chart\" role=\"img\" viewBox=\"0 0 {F(width)} {F(height + 14)}\" width=\"{F(width)}\" height=\"{F(height + 14)}\"><title>{Esc(title)}</title>");
        for (var i = 0; i < counts.Count; i++)
        {
            var h = plot * counts[i] / max;
            sb.Append(CultureInfo.InvariantCulture, $"<rect x=\"{F(i * bar + 0.5)}\" y=\"{F(plot - h)}\" width=\"{F(Math.Max(1, bar - 1))}\" height=\"{F(h)}\" fill=\"#4a7bd0\"><title>{counts[i]:N0}</title></rect>");
        }
        sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"0\" y1=\"{F(plot)}\" x2=\"{F(width)}\" y2=\"{F(plot)}\" stroke=\"#888\"/>");
        sb.Append(CultureInfo.InvariantCulture, $"<text x=\"0\" y=\"{F(plot + 14)}\" font-size=\"11\">{Esc(firstLabel)}</text>");
        sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{F(width)}\" y=\"{F(plot + 14)}\" font-size=\"11\" text-anchor=\"end\">{Esc(lastLabel)}</text></svg>");
        return sb.ToString();
    }

    /// <summary>Horizontal bars with a label and a value each (categories, missing rates).</summary>
    public static string Rows(IReadOnlyList<(string Label, double Value, string Text)> rows, double max, string title)
    {
        const double labelWidth = 150, barWidth = 220, rowHeight = 16;
        var height = rows.Count * rowHeight + 4;
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"<svg class=\"chart\" role=\"img\" viewBox=\"0 0 {F(labelWidth + barWidth + 90)} {F(height)}\" width=\"{F(labelWidth + barWidth + 90)}\" height=\"{F(height)}\"><title>{Esc(title)}</title>");
        for (var i = 0; i < rows.Count; i++)
        {
            var (label, value, text) = rows[i];
            var y = i * rowHeight + 2;
            var w = max <= 0 ? 0 : barWidth * value / max;
            var shown = label.Length > 24 ? label[..23] + "…" : label;
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{F(labelWidth - 4)}\" y=\"{F(y + 11)}\" font-size=\"11\" text-anchor=\"end\">{Esc(shown)}<title>{Esc(label)}</title></text>");
            sb.Append(CultureInfo.InvariantCulture, $"<rect x=\"{F(labelWidth)}\" y=\"{F(y + 1)}\" width=\"{F(w)}\" height=\"{F(rowHeight - 4)}\" fill=\"#e08a3c\"/>");
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{F(labelWidth + w + 4)}\" y=\"{F(y + 11)}\" font-size=\"11\">{Esc(text)}</text>");
        }
        sb.Append("</svg>");
        return sb.ToString();
    }

    public static string Esc(string s) => WebUtility.HtmlEncode(s);
}
