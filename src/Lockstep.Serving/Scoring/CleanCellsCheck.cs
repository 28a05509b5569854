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
/// A text cell found in its column's allowed list gets its position there
/// (<see cref="ParsedCell.Category"/>, the list is <see cref="CategoryLists"/>), so the row
/// encoder that follows does not look it up again.
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
        var lists = new IReadOnlyList<string>?[columns.Count];
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
            // The schema's fields read once here, not per cell: nullable doubles and the type
            // become plain flags and bounds (an absent bound is an infinity, which no number passes).
            var type = c.Type;
            list.Add(new Column(
                cell,
                c.Nullable,
                NumberAllowed: c.Allowed is null && (type is null || type == ColumnType.Double || type == ColumnType.Int64),
                WholeOnly: type == ColumnType.Int64,
                TextAllowed: type is null || type == ColumnType.String,
                c.Min ?? double.NegativeInfinity,
                c.Max ?? double.PositiveInfinity,
                c.Allowed is { } a ? new OrdinalSpanIndex([.. a]) : null));
            if (c.Allowed is { } allowed)
            {
                lists[cell] = allowed;
            }
        }
        // Every input column of the file must be a schema column (else: an unknown field).
        _never |= seen != last.Count;
        _columns = [.. list];
        CategoryLists = lists;
    }

    /// <summary>Per file column: the list whose positions <see cref="IsClean"/> records in a clean row's text cells (<see cref="ParsedCell.Category"/>), or null.</summary>
    public IReadOnlyList<IReadOnlyList<string>?> CategoryLists { get; }

    /// <summary>
    /// True when the validator would find nothing in this row; on the way, each text cell of a
    /// column with an allowed list gets its position in that list (<see cref="ParsedCell.Category"/>).
    /// </summary>
    // Not AggressiveOptimization: it keeps a method out of the ReadyToRun image, so every process
    // would JIT it at first call (on a short batch run's critical path); the precompiled code does as well.
    public bool IsClean(ReadOnlySpan<char> line, Span<ParsedCell> cells)
    {
        if (_never)
        {
            return false;
        }
        foreach (var column in _columns)
        {
            ref var cell = ref cells[column.Cell];
            switch (cell.Kind)
            {
                case CellKind.Missing:
                    if (!column.Nullable)
                    {
                        return false;
                    }
                    continue;
                case CellKind.Number:
                    var d = cell.Number;
                    // NaN fails both bounds' comparisons as the nullable ones did; an infinity
                    // passes an absent bound and fails a present one, as before.
                    if (!column.NumberAllowed || (column.WholeOnly && !(d == Math.Floor(d) && Math.Abs(d) < 9.2e18))
                        || d < column.Min || d > column.Max)
                    {
                        return false;
                    }
                    continue;
                default:
                    if (!column.TextAllowed)
                    {
                        return false;
                    }
                    if (column.Allowed is { } allowed)
                    {
                        var position = allowed.IndexOf(line.Slice(cell.Start, cell.Length));
                        if (position < 0)
                        {
                            return false;
                        }
                        cell.Category = position;
                    }
                    continue;
            }
        }
        return true;
    }

    private readonly record struct Column(int Cell, bool Nullable, bool NumberAllowed, bool WholeOnly, bool TextAllowed, double Min, double Max, OrdinalSpanIndex? Allowed);
}
