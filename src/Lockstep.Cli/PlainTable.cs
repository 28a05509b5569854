using System.Text;
using Spectre.Console;

namespace Lockstep.Cli;

/// <summary>
/// Writes, for a console without ANSI (output redirected: scripts, CI, the cached-run benchmark),
/// exactly the text Spectre.Console writes for a <see cref="TableBorder.Simple"/> table of plain
/// cells — when the table is simple enough to be sure of that: every cell printable ASCII (single
/// spaces between words, none at the ends of a line; a cell may hold several lines), no markup,
/// and the whole table fits the console's width, so that no column is shrunk or wrapped. Anything
/// else returns false and the caller renders with Spectre. Why: Spectre's layout and its Unicode
/// width tables cost a fully cached `lockstep run` ≈ 25 ms of CPU (about a sixth of the run) to
/// print a 5-row table. Tests compare the two renderings on generated tables.
/// </summary>
internal static class PlainTable
{
    public static bool TryWrite(IAnsiConsole console, TextWriter output, IReadOnlyList<string> headers, IReadOnlyList<IReadOnlyList<string>> rows)
    {
        var capabilities = console.Profile.Capabilities;
        // (Without rows Spectre leaves out the line under the headers: not worth a case here.)
        if (capabilities.Ansi || !capabilities.Unicode || capabilities.Links || rows.Count == 0)
        {
            return false;
        }
        var columns = headers.Count;
        var widths = new int[columns];
        var header = new string[columns][];
        for (var c = 0; c < columns; c++)
        {
            if (!TrySplit(headers[c], out header[c]) || header[c].Length != 1)
            {
                return false;
            }
            widths[c] = header[c][0].Length;
        }
        var cells = new string[rows.Count][][];
        for (var r = 0; r < rows.Count; r++)
        {
            if (rows[r].Count != columns)
            {
                return false;
            }
            cells[r] = new string[columns][];
            for (var c = 0; c < columns; c++)
            {
                if (!TrySplit(rows[r][c], out cells[r][c]))
                {
                    return false;
                }
                foreach (var line in cells[r][c])
                {
                    widths[c] = Math.Max(widths[c], line.Length);
                }
            }
        }
        // An edge and a padding space on each side of every column, one separator between them.
        var total = 1;
        foreach (var width in widths)
        {
            total += width + 3;
        }
        if (total > console.Profile.Width)
        {
            return false;
        }
        var text = new StringBuilder();
        text.Append(' ', total).Append('\n');
        Row(text, header, widths);
        text.Append('─', total).Append('\n');
        foreach (var row in cells)
        {
            Row(text, row, widths);
        }
        text.Append(' ', total).Append('\n');
        output.Write(text.ToString());
        return true;
    }

    private static void Row(StringBuilder text, string[][] row, int[] widths)
    {
        var height = 1;
        foreach (var cell in row)
        {
            height = Math.Max(height, cell.Length);
        }
        for (var line = 0; line < height; line++)
        {
            text.Append(' ');
            for (var c = 0; c < row.Length; c++)
            {
                var value = line < row[c].Length ? row[c][line] : "";
                text.Append(' ').Append(value).Append(' ', widths[c] - value.Length).Append(' ').Append(' ');
            }
            text.Append('\n');
        }
    }

    /// <summary>The cell's lines, if every one is plain: printable ASCII words with single spaces between them.</summary>
    private static bool TrySplit(string cell, out string[] lines)
    {
        lines = cell.Length == 0 ? [] : cell.Split('\n');
        foreach (var line in lines)
        {
            if (line.Length == 0 || line[0] == ' ' || line[^1] == ' ' || line.Contains("  ", StringComparison.Ordinal))
            {
                return false;
            }
            foreach (var ch in line)
            {
                if (ch is < ' ' or > '~' or '[' or ']')
                {
                    return false;
                }
            }
        }
        return true;
    }
}
