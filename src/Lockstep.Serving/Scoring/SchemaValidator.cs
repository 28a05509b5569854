using System.Globalization;
using Lockstep.ML.Bundles;

namespace Lockstep.Serving.Scoring;

/// <summary>
/// Checks one raw row against a bundle's input schema (schema.json) before it reaches the model:
/// unknown fields, wrong types (a number column needs a JSON number, a text column a string),
/// missing values in a column that was never missing in training, and numbers outside the
/// expected range — the training range widened by a quarter of its span on each side, so that
/// ordinary drift is scored and impossible values (age 150, a negative count) are not.
/// The label column is ignored, so a row copied from the training file is accepted.
/// </summary>
public sealed class SchemaValidator
{
    /// <summary>How far beyond the training range, as a share of its span, a number is still expected.</summary>
    public const double RangeSlack = 0.25;

    private readonly Dictionary<string, InputColumn> _columns;
    private readonly InputColumn[] _ordered;
    private readonly string _label;

    public SchemaValidator(InputSchema schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        _ordered = schema.Columns.ToArray();
        _columns = _ordered.ToDictionary(c => c.Name, StringComparer.Ordinal);
        _label = schema.Label;
    }

    public IReadOnlyList<InputColumn> Columns => _ordered;

    public void Validate(IReadOnlyDictionary<string, object?> row, int rowIndex, List<FieldFinding> findings)
    {
        ArgumentNullException.ThrowIfNull(row);
        ArgumentNullException.ThrowIfNull(findings);
        if (row.Count > _ordered.Length)
        {
            foreach (var key in row.Keys)
            {
                if (!_columns.ContainsKey(key) && key != _label)
                {
                    findings.Add(new FieldFinding(rowIndex, key, "unknown", $"'{key}' is not an input of this model; its inputs are {Names()}"));
                }
            }
        }
        var known = 0;
        foreach (var column in _ordered)
        {
            if (!row.TryGetValue(column.Name, out var value) || value is null)
            {
                if (!column.Nullable)
                {
                    findings.Add(new FieldFinding(rowIndex, column.Name, "missing", $"'{column.Name}' is required ({Kind(column)}): it was never missing in the training data"));
                }
                if (value is null && row.ContainsKey(column.Name))
                {
                    known++;
                }
                continue;
            }
            known++;
            if (column.Type == "number")
            {
                if (value is not double d)
                {
                    findings.Add(new FieldFinding(rowIndex, column.Name, "type", $"'{column.Name}' must be a number, not {Describe(value)}"));
                }
                else if (column.Min is { } min && column.Max is { } max)
                {
                    var slack = (max - min) * RangeSlack;
                    if (d < min - slack || d > max + slack)
                    {
                        findings.Add(new FieldFinding(rowIndex, column.Name, "range",
                            string.Create(CultureInfo.InvariantCulture, $"'{column.Name}' = {d} is outside the expected range {min - slack:G6} to {max + slack:G6} (training saw {min:G6} to {max:G6})")));
                    }
                }
            }
            else if (value is not string)
            {
                findings.Add(new FieldFinding(rowIndex, column.Name, "type", $"'{column.Name}' must be a string, not {Describe(value)}"));
            }
        }
        if (row.Count <= _ordered.Length && known < row.Count)
        {
            foreach (var key in row.Keys)
            {
                if (!_columns.ContainsKey(key) && key != _label)
                {
                    findings.Add(new FieldFinding(rowIndex, key, "unknown", $"'{key}' is not an input of this model; its inputs are {Names()}"));
                }
            }
        }
    }

    private string Names() => string.Join(", ", _ordered.Select(c => c.Name));

    private static string Kind(InputColumn column) => column.Type == "number" ? "a number" : "a string";

    private static string Describe(object value) => value switch
    {
        string s => $"the string \"{(s.Length > 40 ? s[..40] + "…" : s)}\"",
        bool b => b ? "true" : "false",
        double d => "the number " + d.ToString(CultureInfo.InvariantCulture),
        _ => value.GetType().Name,
    };
}
