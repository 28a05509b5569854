using System.Text;

namespace Lockstep.Data.Ingest;

/// <summary>Decides a source's column names: declared <c>columns</c>, else the header, else column_1, column_2, ….</summary>
internal static class ColumnNames
{
    public static string[] Resolve(IRecordSource source, IngestOptions options, int? firstRecordFields)
    {
        string[] names;
        if (options.Columns is { Count: > 0 } declared)
        {
            if (source.Header is { } header && header.Count != declared.Count)
            {
                throw new DataException($"{source.Description} has {header.Count} columns in its header but 'columns' lists {declared.Count}; list one name per column");
            }
            names = declared.ToArray();
        }
        else if (source.Header is { } header)
        {
            names = header.Select((n, i) => string.IsNullOrWhiteSpace(n) ? $"column_{i + 1}" : n).ToArray();
        }
        else
        {
            names = Enumerable.Range(1, firstRecordFields ?? 0).Select(i => $"column_{i}").ToArray();
        }
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < names.Length; i++)
        {
            if (!seen.TryAdd(names[i], i))
            {
                throw new DataException($"{source.Description}: column name '{names[i]}' appears twice (columns {seen[names[i]] + 1} and {i + 1}); rename one in the file, or give unique names with 'columns:'");
            }
        }
        return names;
    }
}
