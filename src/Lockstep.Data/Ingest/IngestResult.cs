using Lockstep.Data.Statistics;
using Lockstep.Data.Tables;

namespace Lockstep.Data.Ingest;

/// <summary>What an ingest produced: the snapshot's layout, its row count, the rows rejected and the statistics.</summary>
public sealed record IngestResult(IReadOnlyList<ColumnInfo> Layout, long RowCount, long RejectedCount, DatasetStatistics Statistics, int TypeRestarts);
