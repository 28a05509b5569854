using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Lockstep.Data.Schemas;
using Lockstep.Data.Statistics;
using Lockstep.Steps;

namespace Lockstep.Data.Steps;

/// <summary>
/// Built-in step <c>validate</c>: checks a snapshot against a schema YAML (input <c>schema</c>,
/// optional) plus the step's own <c>label</c> and <c>min_rows</c>. Writes a JSON report of the
/// findings and the schema inferred from the snapshot (a starting point to edit and declare).
/// Any finding fails the step with a ranked list unless <c>fail: false</c>.
/// </summary>
public sealed class ValidateStep : IStepType
{
    private const int ListedFindings = 15;

    public StepSignature Signature { get; } = new()
    {
        Type = "validate",
        Description = "Checks a snapshot against a schema and expectations; fails with a ranked list of violations.",
        Parameters =
        [
            ParameterSpec.Opt("label", ParameterKind.String, null, "a column that must be present"),
            ParameterSpec.Opt("min_rows", ParameterKind.Integer, null, "fewest rows accepted"),
            ParameterSpec.Opt("fail", ParameterKind.Boolean, JsonValue.Create(true), "fail the step when an expectation is broken"),
        ],
        Inputs =
        [
            new InputSpec("snapshot", true, "the snapshot to check"),
            new InputSpec("schema", false, "schema/1 YAML with expectations"),
        ],
        Outputs =
        [
            new OutputSpec("report", "the findings as JSON, worst first"),
            new OutputSpec("inferred_schema", "the schema the snapshot satisfies, as YAML to edit"),
        ],
    };

    public async Task ExecuteAsync(StepContext context, CancellationToken cancellationToken)
    {
        var snapshot = context.Input("snapshot");
        var label = context.Parameters.GetStringOrNull("label");
        var schema = context.Inputs.TryGetValue("schema", out var schemaInput)
            ? await DatasetSchema.LoadAsync(schemaInput.Path, schemaInput.Source, cancellationToken).ConfigureAwait(false) with { }
            : new DatasetSchema { Columns = [] };
        if (label is not null && schema.Find(label) is null)
        {
            schema = schema with { Label = label, Columns = [.. schema.Columns, new ColumnSchema { Name = label }] };
        }
        if (context.Parameters.GetInt64OrNull("min_rows") is { } minRows)
        {
            schema = schema with { MinRows = minRows };
        }
        var findings = await new SchemaValidator(schema).ValidateSnapshotAsync(snapshot.Path, cancellationToken).ConfigureAwait(false);
        var stats = await StatisticsCollector.ComputeAsync(snapshot.Path, cancellationToken).ConfigureAwait(false);
        await File.WriteAllTextAsync(context.OutputPath("inferred_schema"), DatasetSchema.Infer(stats, label).ToYaml(), cancellationToken).ConfigureAwait(false);
        await File.WriteAllTextAsync(context.OutputPath("report"), ReportJson(findings), cancellationToken).ConfigureAwait(false);
        context.SetMetric("findings", findings.Count);
        if (findings.Count > 0 && (context.Parameters.GetBooleanOrNull("fail") ?? true))
        {
            var sb = new StringBuilder($"{snapshot.Source} breaks {findings.Count} expectation(s), worst first:");
            foreach (var f in findings.Take(ListedFindings))
            {
                sb.Append("\n  - ").Append(f);
            }
            if (findings.Count > ListedFindings)
            {
                sb.Append($"\n  … and {findings.Count - ListedFindings} more");
            }
            sb.Append("\nFix the data, or relax the schema if the data is right.");
            throw new DataException(sb.ToString());
        }
        context.Log.WriteLine(findings.Count == 0 ? "all expectations hold" : $"{findings.Count} finding(s); not failing (fail: false)");
    }

    private static string ReportJson(IReadOnlyList<Finding> findings)
    {
        var array = new JsonArray();
        foreach (var f in findings)
        {
            array.Add(new JsonObject
            {
                ["column"] = f.Column,
                ["expectation"] = f.Expectation,
                ["observed"] = f.Observed,
                ["count"] = f.Count,
                ["rows"] = new JsonArray(f.Rows.Select(r => (JsonNode)JsonValue.Create(r)).ToArray()),
            });
        }
        var root = new JsonObject { ["format"] = "validation/1", ["passed"] = findings.Count == 0, ["findings"] = array };
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n";
    }
}
