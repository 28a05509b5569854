using System.Globalization;
using System.Text.Json;
using Lockstep.Data.Snapshots;
using Lockstep.Data.Tables;

namespace Lockstep.Data.Schemas;

/// <summary>
/// Checks data against a <see cref="DatasetSchema"/>: a whole table (or a snapshot, batch by
/// batch) or a single row, such as a serving request. Findings come ranked, worst first:
/// missing columns and wrong types, then table-level bounds, then value checks by how many rows
/// break them.
/// </summary>
public sealed class SchemaValidator(DatasetSchema schema)
{
    public DatasetSchema Schema { get; } = schema ?? throw new ArgumentNullException(nameof(schema));

    public IReadOnlyList<Finding> Validate(Table table)
    {
        ArgumentNullException.ThrowIfNull(table);
        var run = new TableValidation(Schema, table.Layout);
        run.Add(table);
        return run.Finish();
    }

    /// <summary>Validates a snapshot file in row groups (memory bounded except for 'unique' columns).</summary>
    public async Task<IReadOnlyList<Finding>> ValidateSnapshotAsync(string path, CancellationToken cancellationToken)
    {
        await using var reader = await SnapshotReader.OpenAsync(path, cancellationToken).ConfigureAwait(false);
        var run = new TableValidation(Schema, reader.Layout);
        await foreach (var batch in reader.ReadBatchesAsync(cancellationToken).ConfigureAwait(false))
        {
            run.Add(batch);
        }
        return run.Finish();
    }

    /// <summary>
    /// Validates one row given as column → value (long, int, double, float, decimal, string, bool,
    /// <see cref="JsonElement"/> or null). The label column may be absent. Columns the schema does
    /// not know are reported too, so a misspelt feature name is caught.
    /// </summary>
    public IReadOnlyList<Finding> ValidateRow(IReadOnlyDictionary<string, object?> row)
    {
        ArgumentNullException.ThrowIfNull(row);
        var findings = new List<Finding>();
        foreach (var c in Schema.Columns)
        {
            if (!row.TryGetValue(c.Name, out var raw))
            {
                if (c.Name != Schema.Label)
                {
                    findings.Add(new Finding(c.Name, "present", "absent", 1, [0]) { Rank = 0 });
                }
                continue;
            }
            var value = Normalize(raw);
            if (value is null)
            {
                if (!c.Nullable)
                {
                    findings.Add(new Finding(c.Name, "not missing", "null", 1, [0]) { Rank = 2 });
                }
                continue;
            }
            if (c.Type is { } type && !Fits(value, type))
            {
                findings.Add(new Finding(c.Name, "type " + type.ToName(), Describe(value), 1, [0]) { Rank = 1 });
                continue;
            }
            if (value is double d)
            {
                if (c.Min is { } min && d < min)
                {
                    findings.Add(new Finding(c.Name, $"≥ {Num(min)}", Num(d), 1, [0]) { Rank = 2 });
                }
                if (c.Max is { } max && d > max)
                {
                    findings.Add(new Finding(c.Name, $"≤ {Num(max)}", Num(d), 1, [0]) { Rank = 2 });
                }
            }
            if (c.Allowed is { } allowed && !allowed.Contains(AsText(value), StringComparer.Ordinal))
            {
                findings.Add(new Finding(c.Name, AllowedText(allowed), $"'{AsText(value)}'", 1, [0]) { Rank = 2 });
            }
        }
        foreach (var name in row.Keys.Where(k => Schema.Find(k) is null).Order(StringComparer.Ordinal))
        {
            findings.Add(new Finding(name, "a column of the schema", "unknown column", 1, [0]) { Rank = 0 });
        }
        return Ranked(findings);
    }

    // One finding (the usual invalid row) needs no sort: the generic OrderBy over a long key is
    // not precompiled and was compiled by the JIT in the middle of a batch run at its first bad row.
    internal static IReadOnlyList<Finding> Ranked(IEnumerable<Finding> findings) =>
        findings is IReadOnlyList<Finding> { Count: <= 1 } few ? [.. few] : findings.OrderBy(f => f.Rank).ThenByDescending(f => f.Count).ThenBy(f => f.Column, StringComparer.Ordinal).ThenBy(f => f.Expectation, StringComparer.Ordinal).ToArray();

    internal static string AllowedText(IReadOnlyList<string> allowed) =>
        "one of " + string.Join(", ", allowed.Take(10)) + (allowed.Count > 10 ? $", … ({allowed.Count} values)" : "");

    /// <summary>
    /// A number as "G10" writes it. An integer of at most ten digits (but −0) is written as the
    /// integer, the same text: "G10" goes through the framework's floating-point formatter, whose
    /// table-driven parts are not precompiled and were compiled by the JIT in the middle of a batch
    /// run at its first out-of-range cell.
    /// </summary>
    internal static string Num(double d)
    {
        if (Math.Abs(d) < 1e10 && (long)d is var n && n == d && BitConverter.DoubleToInt64Bits(d) != long.MinValue)
        {
            return n.ToString(CultureInfo.InvariantCulture);
        }
        return d.ToString("G10", CultureInfo.InvariantCulture);
    }

    private static object? Normalize(object? raw) => raw switch
    {
        null => null,
        JsonElement { ValueKind: JsonValueKind.Null or JsonValueKind.Undefined } => null,
        JsonElement { ValueKind: JsonValueKind.Number } e => e.GetDouble(),
        JsonElement { ValueKind: JsonValueKind.String } e => e.GetString(),
        JsonElement { ValueKind: JsonValueKind.True } => true,
        JsonElement { ValueKind: JsonValueKind.False } => false,
        JsonElement e => e.GetRawText(),
        long l => (double)l,
        int i => (double)i,
        short s => (double)s,
        float f => (double)f,
        decimal m => (double)m,
        double d => d,
        _ => raw,
    };

    private static bool Fits(object value, ColumnType type) => type switch
    {
        ColumnType.Int64 => value is double d && d == Math.Floor(d) && Math.Abs(d) < 9.2e18,
        ColumnType.Double => value is double,
        ColumnType.Boolean => value is bool,
        _ => value is string,
    };

    private static string Describe(object value) => value switch
    {
        string s => $"text '{s}'",
        bool b => b ? "true" : "false",
        double d => Num(d),
        _ => value.ToString() ?? "",
    };

    private static string AsText(object value) => value switch
    {
        bool b => b ? "true" : "false",
        double d => Num(d),
        _ => value.ToString() ?? "",
    };
}
