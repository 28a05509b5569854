using Lockstep.Data.Ingest;
using Lockstep.Data.Reports;
using Lockstep.Errors;
using Lockstep.Pipelines;
using Lockstep.Steps;
using Lockstep.Storage;

namespace Lockstep.Data.Steps;

/// <summary>
/// Built-in step <c>ingest</c>: reads a source file (delimited text, gzip, Parquet, or a SQLite
/// database with a query) into a snapshot (snapshot/1 Parquet), its statistics (statistics/1
/// JSON), an HTML report and a rejects file (JSON lines; empty unless <c>on_bad_rows: skip</c>
/// skipped rows). With <c>name:</c> the snapshot is registered in the dataset catalogue.
/// </summary>
public sealed class IngestStep : IStepType
{
    public StepSignature Signature { get; } = new()
    {
        Type = "ingest",
        Description = "Reads a CSV/TSV (any delimiter, gzip), Parquet or SQLite source into a versioned Parquet snapshot with statistics.",
        Parameters = IngestParameters.Specs,
        Inputs = [new InputSpec("source", true, "the file to read")],
        Outputs =
        [
            new OutputSpec("snapshot", "the data as a snapshot/1 Parquet file"),
            new OutputSpec("statistics", "per-column statistics (statistics/1 JSON)"),
            new OutputSpec("report", "the statistics as an HTML page with plots"),
            new OutputSpec("rejects", "rows skipped under on_bad_rows: skip, one JSON object per line (empty when none)"),
        ],
    };

    public IEnumerable<PipelineProblem> Validate(StepDeclaration step, StepParameters parameters) => IngestParameters.Validate(step, parameters);

    public async Task ExecuteAsync(StepContext context, CancellationToken cancellationToken)
    {
        var options = IngestParameters.Read(context.Parameters);
        var input = context.Input("source");
        var snapshot = context.OutputPath("snapshot");
        var result = await SourceIngest.IngestAsync(input.Path, input.Source, context.Parameters.GetStringOrNull("query"), options,
            snapshot, context.OutputPath("rejects"), context.ScratchDirectory, context.Log, cancellationToken).ConfigureAwait(false);
        await result.Statistics.WriteAsync(context.OutputPath("statistics"), cancellationToken).ConfigureAwait(false);
        await File.WriteAllTextAsync(context.OutputPath("report"), HtmlReport.Render(input.Source, result.Statistics), cancellationToken).ConfigureAwait(false);
        context.SetMetric("rows", result.RowCount);
        context.SetMetric("rejected_rows", result.RejectedCount);
        context.SetMetric("columns", result.Layout.Count);
        context.Log.WriteLine($"{result.RowCount} rows × {result.Layout.Count} columns ({string.Join(", ", result.Layout.Select(c => $"{c.Name}: {c.Type.ToString().ToLowerInvariant()}"))}); {result.RejectedCount} rejected");
        if (context.Parameters.GetStringOrNull("name") is { } name)
        {
            var snap = await context.Store.Objects.PutFileAsync(snapshot, cancellationToken).ConfigureAwait(false);
            var stats = await context.Store.Objects.PutFileAsync(context.OutputPath("statistics"), cancellationToken).ConfigureAwait(false);
            var version = await context.Store.Datasets.RegisterAsync(new NewDatasetVersion(
                name, snap.Hash, stats.Hash, result.RowCount, result.Layout.Count, $"{input.Source} ({input.Hash.Short})",
                context.RunId, context.StepId, context.Time.GetUtcNow()), cancellationToken).ConfigureAwait(false);
            context.Log.WriteLine($"registered dataset {version} (snapshot {snap.Hash.Short})");
            context.SetMetric("dataset_version", version.Version);
        }
    }
}
