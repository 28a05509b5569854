using System.Globalization;
using Lockstep.Data.Tables;

namespace Lockstep.Data.Schemas;

/// <summary>The value-level checks of one column, accumulated over batches.</summary>
internal sealed class ColumnTally
{
    private readonly ColumnSchema _schema;
    private readonly ExpectationTally _notNull;
    private readonly ExpectationTally _min;
    private readonly ExpectationTally _max;
    private readonly ExpectationTally _allowed;
    private readonly ExpectationTally _unique;
    private readonly HashSet<string>? _allowedSet;
    private readonly HashSet<object>? _seen;
    private long _missing;

    public ColumnTally(ColumnSchema schema)
    {
        _schema = schema;
        _notNull = new ExpectationTally(schema.Name, "not missing", 2);
        _min = new ExpectationTally(schema.Name, $"≥ {SchemaValidator.Num(schema.Min ?? 0)}", 2);
        _max = new ExpectationTally(schema.Name, $"≤ {SchemaValidator.Num(schema.Max ?? 0)}", 2);
        _allowed = new ExpectationTally(schema.Name, schema.Allowed is { } a ? SchemaValidator.AllowedText(a) : "", 2);
        _unique = new ExpectationTally(schema.Name, "unique values", 2);
        _allowedSet = schema.Allowed is { } list ? new HashSet<string>(list, StringComparer.Ordinal) : null;
        _seen = schema.Unique ? [] : null;
    }

    public void Add(Column column, long firstRow)
    {
        var numeric = column.Type is ColumnType.Int64 or ColumnType.Double;
        for (var r = 0; r < column.Length; r++)
        {
            var row = firstRow + r;
            if (column.IsNull(r))
            {
                _missing++;
                if (!_schema.Nullable)
                {
                    _notNull.Add(row, "missing");
                }
                continue;
            }
            if (numeric)
            {
                var d = column.GetDouble(r)!.Value;
                if (_schema.Min is { } min && d < min)
                {
                    _min.Add(row, SchemaValidator.Num(d));
                }
                if (_schema.Max is { } max && d > max)
                {
                    _max.Add(row, SchemaValidator.Num(d));
                }
            }
            if (_allowedSet is not null || _seen is not null)
            {
                var value = column.GetValue(r)!;
                var text = value switch
                {
                    bool b => b ? "true" : "false",
                    double d => SchemaValidator.Num(d),
                    long l => l.ToString(CultureInfo.InvariantCulture),
                    _ => (string)value,
                };
                if (_allowedSet is not null && !_allowedSet.Contains(text))
                {
                    _allowed.Add(row, $"'{text}'");
                }
                if (_seen is not null && !_seen.Add(value))
                {
                    _unique.Add(row, $"'{text}' repeated");
                }
            }
        }
    }

    public IEnumerable<Finding> Findings(long rows)
    {
        foreach (var t in new[] { _notNull, _min, _max, _allowed, _unique })
        {
            if (t.ToFinding(rows) is { } f)
            {
                yield return f;
            }
        }
        if (_schema.MaxMissingRate is { } rate && rows > 0 && (double)_missing / rows > rate)
        {
            yield return new Finding(_schema.Name, $"missing rate ≤ {rate.ToString("P1", CultureInfo.InvariantCulture)}",
                $"{((double)_missing / rows).ToString("P1", CultureInfo.InvariantCulture)} ({_missing} of {rows})", _missing, []) { Rank = 2 };
        }
    }
}
