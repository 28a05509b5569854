using Lockstep.Data.Snapshots;
using Lockstep.Data.Tables;

namespace Lockstep.Data.Statistics;

/// <summary>
/// Computes <see cref="DatasetStatistics"/> batch by batch. Memory is bounded per column (see the
/// accumulators), not by the row count. Columns with very many distinct numbers need a second
/// pass over the data (<see cref="NeedsSecondPass"/>); the results do not depend on batch sizes.
/// </summary>
public sealed class StatisticsCollector
{
    private readonly IReadOnlyList<ColumnInfo> _layout;
    private readonly NumericAccumulator?[] _numeric;
    private readonly CategoryAccumulator?[] _category;
    private long _rows;

    public StatisticsCollector(IReadOnlyList<ColumnInfo> layout)
    {
        _layout = layout;
        _numeric = layout.Select(c => c.Type is ColumnType.Int64 or ColumnType.Double ? new NumericAccumulator { IsInteger = c.Type == ColumnType.Int64 } : null).ToArray();
        _category = layout.Select(c => c.Type is ColumnType.String or ColumnType.Boolean ? new CategoryAccumulator { IsText = c.Type == ColumnType.String } : null).ToArray();
    }

    public bool NeedsSecondPass => _numeric.Any(n => n is { NeedsSecondPass: true });

    public void Add(Table batch)
    {
        _rows += batch.RowCount;
        for (var c = 0; c < _layout.Count; c++)
        {
            var column = batch.Columns[c];
            switch (column.Type)
            {
                case ColumnType.Int64:
                    _numeric[c]!.AddRange(column.Int64Values.Span);
                    break;
                case ColumnType.Double:
                    _numeric[c]!.AddRange(column.DoubleValues.Span);
                    break;
                case ColumnType.String:
                    _category[c]!.AddRange(column.StringValues.Span);
                    break;
                default:
                    {
                        var acc = _category[c]!;
                        foreach (var v in column.BooleanValues.Span)
                        {
                            if (v is { } b)
                            {
                                acc.Add(b ? "true" : "false");
                            }
                            else
                            {
                                acc.AddMissing();
                            }
                        }
                        break;
                    }
            }
        }
    }

    /// <summary>Feeds the same data again for the columns that need it.</summary>
    public async Task SecondPassAsync(IAsyncEnumerable<Table> batches, CancellationToken cancellationToken)
    {
        var needy = Enumerable.Range(0, _layout.Count).Where(c => _numeric[c] is { NeedsSecondPass: true }).ToArray();
        foreach (var c in needy)
        {
            _numeric[c]!.BeginSecondPass();
        }
        await foreach (var batch in batches.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            foreach (var c in needy)
            {
                var acc = _numeric[c]!;
                var column = batch.Columns[c];
                for (var r = 0; r < column.Length; r++)
                {
                    if (column.GetDouble(r) is { } v)
                    {
                        acc.AddSecondPass(v);
                    }
                }
            }
        }
    }

    public DatasetStatistics Build()
    {
        var columns = new ColumnStatistics[_layout.Count];
        for (var c = 0; c < columns.Length; c++)
        {
            var type = _layout[c].Type.ToName();
            columns[c] = _numeric[c]?.Build(_layout[c].Name, type) ?? _category[c]!.Build(_layout[c].Name, type);
        }
        return new DatasetStatistics { RowCount = _rows, Columns = columns };
    }

    /// <summary>Statistics of a snapshot file, streaming it (twice when a column needs it).</summary>
    public static async Task<DatasetStatistics> ComputeAsync(string snapshotPath, CancellationToken cancellationToken)
    {
        StatisticsCollector collector;
        await using (var reader = await SnapshotReader.OpenAsync(snapshotPath, cancellationToken).ConfigureAwait(false))
        {
            collector = new StatisticsCollector(reader.Layout);
            await foreach (var batch in reader.ReadBatchesAsync(cancellationToken).ConfigureAwait(false))
            {
                collector.Add(batch);
            }
        }
        if (collector.NeedsSecondPass)
        {
            await using var again = await SnapshotReader.OpenAsync(snapshotPath, cancellationToken).ConfigureAwait(false);
            await collector.SecondPassAsync(again.ReadBatchesAsync(cancellationToken), cancellationToken).ConfigureAwait(false);
        }
        return collector.Build();
    }
}
