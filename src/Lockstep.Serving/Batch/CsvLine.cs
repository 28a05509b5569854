using System.Text;

namespace Lockstep.Serving.Batch;

/// <summary>Splits one CSV line (RFC 4180 quoting, comma separator) into trimmed cells.</summary>
internal static class CsvLine
{
    // Not AggressiveOptimization: the batch's typed path cuts clean lines itself, so this runs for
    // the few rows it leaves (and headers), where precompiled code beats a full JIT at first use.
    public static void Split(string line, List<string> cells)
    {
        cells.Clear();
        var i = 0;
        while (true)
        {
            while (i < line.Length && line[i] == ' ')
            {
                i++;
            }
            if (i < line.Length && line[i] == '"')
            {
                var sb = new StringBuilder();
                i++;
                while (i < line.Length)
                {
                    if (line[i] == '"')
                    {
                        if (i + 1 < line.Length && line[i + 1] == '"')
                        {
                            sb.Append('"');
                            i += 2;
                            continue;
                        }
                        i++;
                        break;
                    }
                    sb.Append(line[i++]);
                }
                cells.Add(sb.ToString());
                var comma = line.IndexOf(',', i);
                if (comma < 0)
                {
                    return;
                }
                i = comma + 1;
            }
            else
            {
                var comma = line.IndexOf(',', i);
                var end = comma < 0 ? line.Length : comma;
                cells.Add(line.AsSpan(i, end - i).TrimEnd().ToString());
                if (comma < 0)
                {
                    return;
                }
                i = comma + 1;
            }
        }
    }
}
