using System.Globalization;
using Lockstep.Data.Schemas;
using Lockstep.Data.Tables;

namespace Lockstep.Serving.Scoring;

/// <summary>
/// A quick, allocation-free test that a row would get no finding at all from
/// <see cref="SchemaValidator.ValidateRow"/>: every schema column but the label present (absence is
/// a finding there even for a nullable column), of the right type, inside its bounds and, for
/// categories, in the allowed list; no unknown field. Most rows are clean, and the full validator
/// builds its findings with LINQ and sorting even when there are none. Anything this check is
/// not sure about (a value kind it does not handle, any failed check) returns false, and the
/// caller runs the full validator, which stays the one source of findings and their messages.
/// </summary>
internal sealed class CleanRowCheck
{
    private readonly Column[] _columns;
    private readonly string? _label;

    public CleanRowCheck(DatasetSchema schema)
    {
        _label = schema.Label;
        _columns = schema.Columns.Select(c => new Column(c, c.Allowed is { } a ? new HashSet<string>(a, StringComparer.Ordinal) : null)).ToArray();
    }

    // Not AggressiveOptimization: it keeps a method out of the ReadyToRun image, so every process
    // would JIT it at first call (a short run's critical path); the precompiled code does as well.
    public bool IsClean(IReadOnlyDictionary<string, object?> row)
    {
        var seen = 0;
        foreach (var column in _columns)
        {
            var c = column.Schema;
            if (!row.TryGetValue(c.Name, out var raw))
            {
                if (c.Name == _label)
                {
                    continue;
                }
                return false;
            }
            seen++;
            switch (raw)
            {
                case null:
                    if (!c.Nullable)
                    {
                        return false;
                    }
                    continue;
                case double d:
                    if (c.Type is { } t && !(t == ColumnType.Double || (t == ColumnType.Int64 && d == Math.Floor(d) && Math.Abs(d) < 9.2e18)))
                    {
                        return false;
                    }
                    if ((c.Min is { } min && d < min) || (c.Max is { } max && d > max))
                    {
                        return false;
                    }
                    if (column.Allowed is { } allowedNumbers && !allowedNumbers.Contains(d.ToString("G10", CultureInfo.InvariantCulture)))
                    {
                        return false;
                    }
                    continue;
                case string s:
                    if (c.Type is { } type && type != ColumnType.String)
                    {
                        return false;
                    }
                    if (column.Allowed is { } allowed && !allowed.Contains(s))
                    {
                        return false;
                    }
                    continue;
                default:
                    return false;
            }
        }
        return seen == row.Count;
    }

    private readonly record struct Column(ColumnSchema Schema, HashSet<string>? Allowed);
}
