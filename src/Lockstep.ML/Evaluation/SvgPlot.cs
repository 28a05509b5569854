using System.Globalization;
using System.Net;
using System.Text;

namespace Lockstep.ML.Evaluation;

/// <summary>Minimal inline SVG line/scatter/bar plots for the evaluation report (no scripts, no external files).</summary>
internal static class SvgPlot
{
    private const int W = 360, H = 260, Pad = 36;

    public static string Line(string title, string xLabel, string yLabel, IReadOnlyList<(double X, double Y)> points, bool diagonal, bool scatter = false)
    {
        if (points.Count == 0)
        {
            return "";
        }
        double minX = diagonal ? 0 : points.Min(p => p.X), maxX = diagonal ? 1 : points.Max(p => p.X);
        double minY = diagonal ? 0 : points.Min(p => p.Y), maxY = diagonal ? 1 : points.Max(p => p.Y);
        if (maxX <= minX)
        {
            maxX = minX + 1;
        }
        if (maxY <= minY)
        {
            maxY = minY + 1;
        }
        string Px(double x) => F(Pad + (x - minX) / (maxX - minX) * (W - 2 * Pad));
        string Py(double y) => F(H - Pad - (y - minY) / (maxY - minY) * (H - 2 * Pad));
        var sb = Open(title);
        sb.Append($"<rect x='{Pad}' y='{Pad}' width='{W - 2 * Pad}' height='{H - 2 * Pad}' fill='none' stroke='#999'/>");
        if (diagonal)
        {
            sb.Append($"<line x1='{Px(0)}' y1='{Py(0)}' x2='{Px(1)}' y2='{Py(1)}' stroke='#ccc' stroke-dasharray='4'/>");
        }
        if (scatter)
        {
            foreach (var (x, y) in points)
            {
                sb.Append($"<circle cx='{Px(x)}' cy='{Py(y)}' r='1.6' fill='#3367d6' fill-opacity='0.6'/>");
            }
            if (minY < 0 && maxY > 0)
            {
                sb.Append($"<line x1='{Pad}' y1='{Py(0)}' x2='{W - Pad}' y2='{Py(0)}' stroke='#c33'/>");
            }
        }
        else
        {
            sb.Append("<polyline fill='none' stroke='#3367d6' stroke-width='2' points='");
            foreach (var (x, y) in points)
            {
                sb.Append(Px(x)).Append(',').Append(Py(y)).Append(' ');
            }
            sb.Append("'/>");
        }
        sb.Append($"<text x='{W / 2}' y='{H - 6}' text-anchor='middle' font-size='11'>{Esc(xLabel)} ({F(minX)}–{F(maxX)})</text>");
        sb.Append($"<text x='10' y='{H / 2}' font-size='11' transform='rotate(-90 10 {H / 2})' text-anchor='middle'>{Esc(yLabel)} ({F(minY)}–{F(maxY)})</text>");
        return sb.Append("</svg>").ToString();
    }

    public static string Bars(string title, IReadOnlyList<(string Label, double Value)> bars)
    {
        if (bars.Count == 0)
        {
            return "";
        }
        var max = Math.Max(1e-12, bars.Max(b => Math.Abs(b.Value)));
        var height = 24 + bars.Count * 18;
        var sb = new StringBuilder($"<svg xmlns='http://www.w3.org/2000/svg' width='{W + 160}' height='{height}'><text x='4' y='14' font-size='13' font-weight='bold'>{Esc(title)}</text>");
        for (var i = 0; i < bars.Count; i++)
        {
            var y = 22 + i * 18;
            var width = Math.Abs(bars[i].Value) / max * W;
            sb.Append($"<text x='150' y='{y + 12}' font-size='11' text-anchor='end'>{Esc(bars[i].Label)}</text>");
            sb.Append($"<rect x='156' y='{y}' width='{F(width)}' height='14' fill='{(bars[i].Value >= 0 ? "#3367d6" : "#c33")}'/>");
            sb.Append($"<text x='{F(160 + width)}' y='{y + 12}' font-size='10'>{F(bars[i].Value)}</text>");
        }
        return sb.Append("</svg>").ToString();
    }

    private static StringBuilder Open(string title) =>
        new($"<svg xmlns='http://www.w3.org/2000/svg' width='{W}' height='{H}'><text x='{W / 2}' y='16' text-anchor='middle' font-size='13' font-weight='bold'>{Esc(title)}</text>");

    public static string F(double v) => Math.Round(v, 4).ToString("0.####", CultureInfo.InvariantCulture);

    public static string Esc(string s) => WebUtility.HtmlEncode(s);
}
