using Lockstep.Data.Schemas;
using Lockstep.Data.Tables;
using Lockstep.ML.Features;

namespace Lockstep.Serving.Scoring;

/// <summary>
/// <see cref="CleanRowCheck"/> for the cells of a line in a file with known columns (batch
/// scoring): the same decision — true only when the validator would find nothing — made on the
/// parsed cells, without the row dictionary. The header decides once what the dictionary check
/// decides per row: a schema column (but the label) absent from the file, or a file column the
/// schema does not know, makes every row not clean. Numbers in a column with an allowed list are
/// left to the full check (false), as is anything else this check is not sure about.
/// </summary>
internal sealed class CleanCellsCheck
{
    private readonly Column[] _columns;
    private readonly bool _never;

    /// <param name="columns">The file's columns in order; null for a column that is not a model input (dropped).</param>
    public CleanCellsCheck(DatasetSchema schema, IReadOnlyList<string?> columns)
    {
        var last = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var c = 0; c < columns.Count; c++)
        {
            if (columns[c] is { } name)
            {
                last[name] = c;
            }
        }
        var list = new List<Column>();
        var seen = 0;
        foreach (var c in schema.Columns)
        {
            if (!last.TryGetValue(c.Name, out var cell))
            {
                if (c.Name == schema.Label)
                {
                    continue;
                }
                _never = true;
                break;
            }
            seen++;
            list.Add(new Column(c, cell, c.Allowed is { } a ? new OrdinalSpanIndex([.. a]) : null));
        }
        // Every input column of the file must be a schema column (else: an unknown field).
        _never |= seen != last.Count;
        _columns = [.. list];
    }

    // Not AggressiveOptimization: it keeps a method out of the ReadyToRun image, so every process
    // would JIT it at first call (on a short batch run's critical path); the precompiled code does as well.
    public bool IsClean(ReadOnlySpan<char> line, ReadOnlySpan<ParsedCell> cells)
    {
        if (_never)
        {
            return false;
        }
        foreach (var column in _columns)
        {
            var c = column.Schema;
            var cell = cells[column.Cell];
            switch (cell.Kind)
            {
                case CellKind.Missing:
                    if (!c.Nullable)
                    {
                        return false;
                    }
                    continue;
                case CellKind.Number:
                    var d = cell.Number;
                    if (c.Type is { } t && !(t == ColumnType.Double || (t == ColumnType.Int64 && d == Math.Floor(d) && Math.Abs(d) < 9.2e18)))
                    {
                        return false;
                    }
                    if ((c.Min is { } min && d < min) || (c.Max is { } max && d > max) || column.Allowed is not null)
                    {
                        return false;
                    }
                    continue;
                default:
                    if (c.Type is { } type && type != ColumnType.String)
                    {
                        return false;
                    }
                    if (column.Allowed is { } allowed && !allowed.Contains(line.Slice(cell.Start, cell.Length)))
                    {
                        return false;
                    }
                    continue;
            }
        }
        return true;
    }

    private readonly record struct Column(ColumnSchema Schema, int Cell, OrdinalSpanIndex? Allowed);
}
