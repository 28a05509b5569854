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
    public static async Task<TrainingDataProfile> ComputeAsync(Table table, string label, CancellationToken cancellationToken)
    {
        var collector = new StatisticsCollector(table.Layout);
        collector.Add(table);
        if (collector.NeedsSecondPass)
        {
            await collector.SecondPassAsync(Once(table), cancellationToken).ConfigureAwait(false);
        }
        var statistics = collector.Build();
        return new TrainingDataProfile(statistics, DatasetSchema.Infer(statistics, label));
    }

    private static async IAsyncEnumerable<Table> Once(Table table)
    {
        await Task.CompletedTask.ConfigureAwait(false);
        yield return table;
    }
}
