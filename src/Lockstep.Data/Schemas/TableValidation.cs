using Lockstep.Data.Tables;

namespace Lockstep.Data.Schemas;

/// <summary>One validation of a table fed batch by batch; <see cref="Finish"/> gives the ranked findings.</summary>
internal sealed class TableValidation
{
    private readonly DatasetSchema _schema;
    private readonly List<Finding> _structural = [];
    private readonly List<(ColumnSchema Schema, int Index, ColumnTally Tally)> _checks = [];
    private long _rows;

    public TableValidation(DatasetSchema schema, IReadOnlyList<ColumnInfo> layout)
    {
        _schema = schema;
        for (var i = 0; i < schema.Columns.Count; i++)
        {
            var c = schema.Columns[i];
            var index = layout.ToList().FindIndex(l => l.Name == c.Name);
            if (index < 0)
            {
                var what = c.Name == schema.Label ? "present (the label column)" : "present";
                _structural.Add(new Finding(c.Name, what, "absent", 1, []) { Rank = 0 });
                continue;
            }
            if (c.Type is { } t && layout[index].Type != t)
            {
                _structural.Add(new Finding(c.Name, "type " + t.ToName(), "type " + layout[index].Type.ToName(), 1, []) { Rank = 0 });
                continue;
            }
            _checks.Add((c, index, new ColumnTally(c)));
        }
    }

    public void Add(Table batch)
    {
        foreach (var (_, index, tally) in _checks)
        {
            tally.Add(batch.Columns[index], _rows);
        }
        _rows += batch.RowCount;
    }

    public IReadOnlyList<Finding> Finish()
    {
        var findings = new List<Finding>(_structural);
        if (_schema.MinRows is { } min && _rows < min)
        {
            findings.Add(new Finding("(table)", $"at least {min} rows", $"{_rows} rows", 1, []) { Rank = 1 });
        }
        if (_schema.MaxRows is { } max && _rows > max)
        {
            findings.Add(new Finding("(table)", $"at most {max} rows", $"{_rows} rows", 1, []) { Rank = 1 });
        }
        foreach (var (_, _, tally) in _checks)
        {
            findings.AddRange(tally.Findings(_rows));
        }
        return SchemaValidator.Ranked(findings);
    }
}
