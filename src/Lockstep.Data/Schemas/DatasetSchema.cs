using System.Globalization;
using System.Text;
using Lockstep.Data.Statistics;
using Lockstep.Data.Tables;

namespace Lockstep.Data.Schemas;

/// <summary>
/// A dataset's schema and expectations (format <c>schema/1</c>, YAML): columns with types and
/// bounds, row-count bounds and the label column. Inferred from a snapshot's statistics, edited by
/// people, checked by <see cref="SchemaValidator"/> on whole tables and on single rows (serving).
/// </summary>
public sealed record DatasetSchema
{
    public const string CurrentFormat = "schema/1";

    public required IReadOnlyList<ColumnSchema> Columns { get; init; }

    public long? MinRows { get; init; }

    public long? MaxRows { get; init; }

    /// <summary>A column that must be present (and is not expected in serving requests).</summary>
    public string? Label { get; init; }

    public ColumnSchema? Find(string name) => Columns.FirstOrDefault(c => c.Name == name);

    /// <summary>
    /// A schema that the data behind <paramref name="stats"/> satisfies: its types, no missing
    /// values where there were none, observed numeric ranges, and the categories of text columns
    /// with at most <paramref name="maxCategories"/> distinct values.
    /// </summary>
    public static DatasetSchema Infer(DatasetStatistics stats, string? label = null, int maxCategories = 50)
    {
        ArgumentNullException.ThrowIfNull(stats);
        if (label is not null && stats.Find(label) is null)
        {
            throw new DataException($"label column '{label}' is not in the data; it has {string.Join(", ", stats.Columns.Select(c => $"'{c.Name}'"))}");
        }
        var columns = stats.Columns.Select(c =>
        {
            ColumnTypes.TryParse(c.Type, out var type);
            return new ColumnSchema
            {
                Name = c.Name,
                Type = type,
                Nullable = c.Missing > 0,
                Min = c.Min,
                Max = c.Max,
                Allowed = type == ColumnType.String && c.TopExact == true && c.Distinct <= maxCategories && c.Top is not null && c.Top.Count == c.Distinct
                    ? c.Top.Select(t => t.Value).Order(StringComparer.Ordinal).ToArray()
                    : null,
            };
        }).ToArray();
        return new DatasetSchema { Columns = columns, MinRows = 1, Label = label };
    }

    /// <summary>The schema as YAML (stable order, so it diffs well in version control).</summary>
    public string ToYaml()
    {
        var sb = new StringBuilder();
        sb.Append("format: ").Append(CurrentFormat).Append('\n');
        if (Label is not null)
        {
            sb.Append("label: ").Append(SchemaYaml.Quote(Label)).Append('\n');
        }
        if (MinRows is not null || MaxRows is not null)
        {
            sb.Append("rows:\n");
            if (MinRows is { } min)
            {
                sb.Append("  min: ").Append(min.ToString(CultureInfo.InvariantCulture)).Append('\n');
            }
            if (MaxRows is { } max)
            {
                sb.Append("  max: ").Append(max.ToString(CultureInfo.InvariantCulture)).Append('\n');
            }
        }
        sb.Append("columns:\n");
        foreach (var c in Columns)
        {
            sb.Append("  ").Append(SchemaYaml.Quote(c.Name)).Append(":\n");
            if (c.Type is { } t)
            {
                sb.Append("    type: ").Append(t.ToName()).Append('\n');
            }
            sb.Append("    nullable: ").Append(c.Nullable ? "true" : "false").Append('\n');
            if (c.MaxMissingRate is { } rate)
            {
                sb.Append("    max_missing_rate: ").Append(SchemaYaml.Number(rate)).Append('\n');
            }
            if (c.Min is { } lo)
            {
                sb.Append("    min: ").Append(SchemaYaml.Number(lo)).Append('\n');
            }
            if (c.Max is { } hi)
            {
                sb.Append("    max: ").Append(SchemaYaml.Number(hi)).Append('\n');
            }
            if (c.Unique)
            {
                sb.Append("    unique: true\n");
            }
            if (c.Allowed is { } allowed)
            {
                sb.Append("    allowed: [").Append(string.Join(", ", allowed.Select(SchemaYaml.Quote))).Append("]\n");
            }
        }
        return sb.ToString();
    }

    public static DatasetSchema FromYaml(string yaml, string source) => SchemaYaml.Parse(yaml, source);

    public static async Task<DatasetSchema> LoadAsync(string path, CancellationToken cancellationToken) =>
        await LoadAsync(path, path, cancellationToken).ConfigureAwait(false);

    /// <summary>Reads a schema from <paramref name="path"/>; errors name <paramref name="source"/> (a step's input as the user wrote it, not the stored copy).</summary>
    public static async Task<DatasetSchema> LoadAsync(string path, string source, CancellationToken cancellationToken) =>
        SchemaYaml.Parse(await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false), source);

    public async Task SaveAsync(string path, CancellationToken cancellationToken) =>
        await File.WriteAllTextAsync(path, ToYaml(), cancellationToken).ConfigureAwait(false);
}
