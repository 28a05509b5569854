using Lockstep.Data.Schemas;
using Lockstep.Data.Statistics;
using Lockstep.Data.Tables;

namespace Lockstep.ML.Bundles;

/// <summary>
/// The training data's statistics and the expectations inferred from them (the data layer's
/// schema/1), for the bundle: serving validates requests against the expectations and monitoring
/// compares live inputs with the statistics.
/// </summary>
public sealed record TrainingDataProfile(DatasetStatistics Statistics, DatasetSchema Expectations)
{
    /// <summary>
    /// Statistics of every column, and expectations for the columns the model reads (its features
    /// and label). Columns it does not read (excluded identifiers, free text) stay in the
    /// expectations, so a request that carries them is not refused for unknown fields, but nothing
    /// is expected of their values: a passenger id never seen in training is not an error.
    /// With <paramref name="declared"/> (the schema the pipeline validates its data against), a
    /// column it declares keeps the declared expectations, so serving checks requests against the
    /// same schema as the validate step; a column it leaves out keeps the inferred ones.
    /// </summary>
    public static async Task<TrainingDataProfile> ComputeAsync(Table table, Features.PreprocessingManifest manifest, CancellationToken cancellationToken, DatasetSchema? declared = null)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(manifest);
        var collector = new StatisticsCollector(table.Layout);
        collector.Add(table);
        if (collector.NeedsSecondPass)
        {
            await collector.SecondPassAsync(Once(table), cancellationToken).ConfigureAwait(false);
        }
        var statistics = collector.Build();
        var inferred = DatasetSchema.Infer(statistics, manifest.Label.Column);
        var used = manifest.Features.Select(f => f.Column).Append(manifest.Label.Column).ToHashSet(StringComparer.Ordinal);
        var expectations = inferred with
        {
            Columns = [.. inferred.Columns.Select(c => !used.Contains(c.Name) ? new ColumnSchema { Name = c.Name } : declared?.Find(c.Name) ?? c)],
        };
        return new TrainingDataProfile(statistics, expectations);
    }

    private static async IAsyncEnumerable<Table> Once(Table table)
    {
        await Task.CompletedTask.ConfigureAwait(false);
        yield return table;
    }
}
