using System.Text.Json;

namespace Lockstep.Data.Statistics;

/// <summary>The statistics artifact of a snapshot (format <c>statistics/1</c>, JSON).</summary>
public sealed record DatasetStatistics
{
    public const string CurrentFormat = "statistics/1";

    public string Format { get; init; } = CurrentFormat;

    public long RowCount { get; init; }

    public required IReadOnlyList<ColumnStatistics> Columns { get; init; }

    public ColumnStatistics? Find(string name) => Columns.FirstOrDefault(c => c.Name == name);

    public string ToJson() => StatisticsJsonWriter.Write(this) + "\n";

    public async Task WriteAsync(string path, CancellationToken cancellationToken) =>
        await File.WriteAllTextAsync(path, ToJson(), cancellationToken).ConfigureAwait(false);

    public static DatasetStatistics FromJson(string json, string source)
    {
        try
        {
            var stats = JsonSerializer.Deserialize(json, StatisticsJson.Default.DatasetStatistics)
                ?? throw new DataException($"{source} holds no statistics");
            return stats.Format == CurrentFormat
                ? stats
                : throw new DataException($"{source} is statistics format '{stats.Format}', this version reads '{CurrentFormat}'");
        }
        catch (JsonException e)
        {
            throw new DataException($"{source} is not a statistics file: {e.Message}");
        }
    }

    public static async Task<DatasetStatistics> ReadAsync(string path, CancellationToken cancellationToken) =>
        FromJson(await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false), path);
}
