using System.Globalization;
using System.Text;

namespace Lockstep.ML.Frames;

/// <summary>
/// Writes a <see cref="Frame"/> as CSV with a header: numbers in round-trip form, missing values
/// as empty cells, text quoted when it needs to be. The same frame always gives the same bytes.
/// </summary>
public static class CsvFrameWriter
{
    public static async Task WriteAsync(Frame frame, string path, CancellationToken cancellationToken)
    {
        var sb = new StringBuilder();
        sb.AppendJoin(',', frame.Columns.Select(c => Quote(c.Name))).Append('\n');
        for (var r = 0; r < frame.RowCount; r++)
        {
            for (var c = 0; c < frame.Columns.Count; c++)
            {
                if (c > 0)
                {
                    sb.Append(',');
                }
                var column = frame.Columns[c];
                if (column.Numbers is { } n)
                {
                    if (!double.IsNaN(n[r]))
                    {
                        sb.Append(n[r].ToString("R", CultureInfo.InvariantCulture));
                    }
                }
                else if (column.Texts![r] is { } s)
                {
                    sb.Append(Quote(s));
                }
            }
            sb.Append('\n');
        }
        await File.WriteAllTextAsync(path, sb.ToString(), new UTF8Encoding(false), cancellationToken).ConfigureAwait(false);
    }

    private static string Quote(string s) =>
        s.Length == 0 || s.AsSpan().IndexOfAny(",\"\n\r") >= 0 || s[0] == ' ' || s[^1] == ' ' || s[0] == '#'
            ? "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""
            : s;
}
