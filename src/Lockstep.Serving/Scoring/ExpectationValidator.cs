using Lockstep.Data.Schemas;

namespace Lockstep.Serving.Scoring;

/// <summary>
/// Validates request rows with the data layer's <see cref="SchemaValidator"/> against the
/// expectations the bundle carries (expectations.yaml: inferred from the training data, or the
/// schema the train step was given), and
/// turns its findings into per-field findings for problem details. Two adjustments for serving:
/// an absent field is fine where the column was missing in training (the bundle imputes it), and
/// a category outside the training list is reported but not blocking (the bundle has an unknown
/// bucket for it).
/// </summary>
public sealed class ExpectationValidator(DatasetSchema expectations)
{
    private readonly SchemaValidator _validator = new(expectations);
    private readonly CleanRowCheck _clean = new(expectations);

    public DatasetSchema Expectations { get; } = expectations;

    public void Validate(IReadOnlyDictionary<string, object?> row, int rowIndex, List<FieldFinding> findings)
    {
        ArgumentNullException.ThrowIfNull(findings);
        if (_clean.IsClean(row))
        {
            return;
        }
        foreach (var f in _validator.ValidateRow(row))
        {
            var column = Expectations.Find(f.Column);
            var expectation = f.Expectation;
            if (expectation == "present")
            {
                if (column is { Nullable: true })
                {
                    continue;
                }
                findings.Add(new FieldFinding(rowIndex, f.Column, "missing", $"'{f.Column}' is required: the model's expectations do not allow it missing (never missing in training, or declared so in the schema given to train)"));
            }
            else if (expectation == "not missing")
            {
                findings.Add(new FieldFinding(rowIndex, f.Column, "missing", $"'{f.Column}' must not be null: the model's expectations do not allow it missing (never missing in training, or declared so in the schema given to train)"));
            }
            else if (expectation.StartsWith("type ", StringComparison.Ordinal))
            {
                findings.Add(new FieldFinding(rowIndex, f.Column, "type", $"'{f.Column}' must be of {expectation}, not {f.Observed}"));
            }
            else if (expectation.StartsWith('≥') || expectation.StartsWith('≤'))
            {
                findings.Add(new FieldFinding(rowIndex, f.Column, "range", $"'{f.Column}' = {f.Observed} is outside the range the model accepts (expected {expectation}; the training data's range unless the schema given to train declares one)"));
            }
            else if (expectation.StartsWith("one of", StringComparison.Ordinal))
            {
                findings.Add(new FieldFinding(rowIndex, f.Column, "category", $"'{f.Column}' = {f.Observed} was never seen in training; it is scored in the unknown bucket", Blocking: false));
            }
            else if (f.Observed == "unknown column")
            {
                findings.Add(new FieldFinding(rowIndex, f.Column, "unknown", $"'{f.Column}' is not an input of this model; its inputs are {string.Join(", ", Expectations.Columns.Where(c => c.Name != Expectations.Label).Select(c => c.Name))}"));
            }
            else
            {
                findings.Add(new FieldFinding(rowIndex, f.Column, "expectation", $"'{f.Column}': expected {expectation}; got {f.Observed}"));
            }
        }
    }
}
