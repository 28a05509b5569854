using System.Globalization;
using System.Text;
using Lockstep.Errors;

namespace Lockstep.ML.Frames;

/// <summary>
/// Reads delimited text (RFC 4180 quoting) into a <see cref="Frame"/>. A column whose present
/// values all parse as invariant-culture numbers becomes numeric, any other one text. Errors name
/// the file and line. Used by the ML steps for raw files and for the split outputs, which are CSV.
/// </summary>
public static class CsvFrameReader
{
    public static async Task<Frame> ReadAsync(string path, CsvOptions options, CancellationToken cancellationToken)
    {
        string text;
        try
        {
            text = await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StepInputException($"cannot read {path}: {e.Message}");
        }
        return Parse(text, options, path);
    }

    public static Frame Parse(string text, CsvOptions options, string source)
    {
        var missing = new HashSet<string>(options.MissingValues, StringComparer.Ordinal) { "" };
        var rows = new List<string?[]>();
        string[]? header = null;
        var lineNumber = 0;
        var fields = new List<string>();
        var pos = 0;
        while (pos < text.Length)
        {
            lineNumber++;
            var lineStart = pos;
            if (options.CommentPrefix is { Length: > 0 } prefix && string.CompareOrdinal(text, pos, prefix, 0, prefix.Length) == 0)
            {
                pos = SkipLine(text, pos);
                continue;
            }
            pos = ReadRecord(text, pos, options.Separator, fields, ref lineNumber, source);
            if (fields.Count == 1 && fields[0].Length == 0)
            {
                continue; // blank line
            }
            if (header is null && options.HasHeader)
            {
                header = fields.Select(f => options.Trim ? f.Trim() : f).ToArray();
                continue;
            }
            header ??= options.ColumnNames?.ToArray() ?? Enumerable.Range(1, fields.Count).Select(i => "column" + i.ToString(CultureInfo.InvariantCulture)).ToArray();
            if (fields.Count != header.Length)
            {
                throw new StepInputException($"{source}:{lineNumber}: {fields.Count} fields, but the file has {header.Length} columns; fix the line or the separator ('{options.Separator}')");
            }
            var row = new string?[fields.Count];
            for (var i = 0; i < row.Length; i++)
            {
                var cell = options.Trim ? fields[i].Trim() : fields[i];
                row[i] = missing.Contains(cell) ? null : cell;
            }
            rows.Add(row);
            _ = lineStart;
        }
        if (options.HasHeader && options.ColumnNames is { } names && header is not null)
        {
            if (names.Count != header.Length)
            {
                throw new StepInputException($"{source}: 'column_names' lists {names.Count} names, but the file has {header.Length} columns");
            }
            header = names.ToArray();
        }
        header ??= options.ColumnNames?.ToArray() ?? [];
        return Build(header, rows, options);
    }

    private static Frame Build(string[] header, List<string?[]> rows, CsvOptions options)
    {
        var text = new HashSet<string>(options.TextColumns, StringComparer.Ordinal);
        var columns = new List<FrameColumn>(header.Length);
        for (var c = 0; c < header.Length; c++)
        {
            var numbers = text.Contains(header[c]) ? null : new double[rows.Count];
            for (var r = 0; numbers is not null && r < rows.Count; r++)
            {
                var cell = rows[r][c];
                if (cell is null)
                {
                    numbers[r] = double.NaN;
                }
                else if (!double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out numbers[r]))
                {
                    numbers = null;
                }
            }
            if (numbers is not null)
            {
                columns.Add(FrameColumn.Numeric(header[c], numbers));
            }
            else
            {
                var values = new string?[rows.Count];
                for (var r = 0; r < rows.Count; r++)
                {
                    values[r] = rows[r][c];
                }
                columns.Add(FrameColumn.Text(header[c], values));
            }
        }
        return new Frame(columns);
    }

    private static int SkipLine(string text, int pos)
    {
        var end = text.IndexOf('\n', pos);
        return end < 0 ? text.Length : end + 1;
    }

    private static int ReadRecord(string text, int pos, char separator, List<string> fields, ref int lineNumber, string source)
    {
        fields.Clear();
        var cell = new StringBuilder();
        var quoted = false;
        var startLine = lineNumber;
        while (pos < text.Length)
        {
            var ch = text[pos];
            if (quoted)
            {
                if (ch == '"')
                {
                    if (pos + 1 < text.Length && text[pos + 1] == '"')
                    {
                        cell.Append('"');
                        pos += 2;
                        continue;
                    }
                    quoted = false;
                    pos++;
                    continue;
                }
                if (ch == '\n')
                {
                    lineNumber++;
                }
                cell.Append(ch);
                pos++;
                continue;
            }
            if (ch == '"' && cell.ToString().Trim().Length == 0)
            {
                cell.Clear();
                quoted = true;
                pos++;
                continue;
            }
            if (ch == separator)
            {
                fields.Add(cell.ToString());
                cell.Clear();
                pos++;
                continue;
            }
            if (ch == '\r' && pos + 1 < text.Length && text[pos + 1] == '\n')
            {
                pos++;
                continue;
            }
            if (ch == '\n')
            {
                pos++;
                break;
            }
            cell.Append(ch);
            pos++;
        }
        if (quoted)
        {
            throw new StepInputException($"{source}:{startLine}: a quoted field is never closed; add the closing '\"'");
        }
        fields.Add(cell.ToString());
        return pos;
    }
}
