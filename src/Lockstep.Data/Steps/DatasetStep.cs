using Lockstep.Steps;
using Lockstep.Storage;

namespace Lockstep.Data.Steps;

/// <summary>
/// Built-in step <c>dataset</c>: outputs a catalogued snapshot pinned by name and version
/// (<c>name: adult</c>, <c>version: 3</c>), as a DVC user pins a data version. The version is
/// required: "latest" would make the step's cached output silently stale. The run records the
/// snapshot's hash like any output, so it stays known even after the source file changes.
/// </summary>
public sealed class DatasetStep : IStepType
{
    public StepSignature Signature { get; } = new()
    {
        Type = "dataset",
        Description = "Outputs a catalogued dataset snapshot pinned by name and version (see 'lockstep data list').",
        Parameters =
        [
            ParameterSpec.Req("name", ParameterKind.String, "the dataset's name in the catalogue"),
            ParameterSpec.Req("version", ParameterKind.Integer, "the version to use (see 'lockstep data show NAME')"),
        ],
        Outputs =
        [
            new OutputSpec("snapshot", "the pinned snapshot/1 Parquet file"),
            new OutputSpec("statistics", "its statistics (statistics/1 JSON)"),
        ],
    };

    public async Task ExecuteAsync(StepContext context, CancellationToken cancellationToken)
    {
        var name = context.Parameters.GetString("name");
        var version = context.Parameters.GetInt32("version");
        var entry = await context.Store.Datasets.FindAsync(name, version, cancellationToken).ConfigureAwait(false);
        if (entry is null)
        {
            var versions = await context.Store.Datasets.ListVersionsAsync(name, cancellationToken).ConfigureAwait(false);
            throw new DataException(versions.Count == 0
                ? $"no dataset named '{name}' in the catalogue; ingest it with an ingest step that has 'name: {name}', or see 'lockstep data list'"
                : $"dataset '{name}' has no version {version}; it has {string.Join(", ", versions.Select(v => v.Version))}");
        }
        var snapshot = await context.Store.Objects.GetVerifiedPathAsync(entry.Snapshot, cancellationToken).ConfigureAwait(false);
        var statistics = await context.Store.Objects.GetVerifiedPathAsync(entry.Statistics, cancellationToken).ConfigureAwait(false);
        File.Copy(snapshot, context.OutputPath("snapshot"), overwrite: true);
        File.Copy(statistics, context.OutputPath("statistics"), overwrite: true);
        context.Log.WriteLine($"dataset {entry} = snapshot {entry.Snapshot.Short} ({entry.Rows} rows × {entry.Columns} columns, from {entry.Source})");
        context.SetMetric("rows", entry.Rows);
    }
}
