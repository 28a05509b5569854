using System.Text.Json;
using Lockstep.Data.Ingest;
using Lockstep.Data.Statistics;
using Lockstep.Data.Tables;
using Lockstep.Data.Tests.Ingest;

namespace Lockstep.Data.Tests.Statistics;

/// <summary>The hand-written statistics writer must give exactly the bytes the source-generated serializer gives.</summary>
public sealed class StatisticsJsonWriterTests
{
    private static string Serialized(DatasetStatistics stats) =>
        JsonSerializer.Serialize(stats, StatisticsJson.Default.DatasetStatistics) + "\n";

    private static DatasetStatistics Compute(Table table)
    {
        var c = new StatisticsCollector(table.Layout);
        c.Add(table);
        return c.Build();
    }

    [Fact]
    public void Every_kind_of_column_with_non_finite_values_and_characters_that_need_escaping_is_written_as_the_serializer_writes_it()
    {
        var stats = Compute(new Table([
            Column.FromInt64("ints", [1, 2, null, 4, -7, long.MaxValue]),
        ]));
        var more = Compute(new Table([
            Column.FromDouble("dbl \"quoted\" <é>", [0.1, double.NaN, double.PositiveInfinity, double.NegativeInfinity, null, 1e-300, 3.5]),
            Column.FromDouble("all missing", [null, null, null, null, null, null, null]),
            Column.FromString("text", ["a", "b\u00e9\"<script>", null, "a", "\t tab", "日本", ""]),
            Column.FromBoolean("flag", [true, false, null, true, true, null, false]),
        ]));
        foreach (var s in new[] { stats, more })
        {
            StatisticsJsonWriter.Write(s).ShouldBe(JsonSerializer.Serialize(s, StatisticsJson.Default.DatasetStatistics));
            s.ToJson().ShouldBe(Serialized(s));
            DatasetStatistics.FromJson(s.ToJson(), "test").ToJson().ShouldBe(s.ToJson());
        }
    }

    [Fact]
    public void Hand_built_statistics_with_every_optional_field_set_or_missing_are_written_as_the_serializer_writes_them()
    {
        var full = new ColumnStatistics
        {
            Name = "x", Type = "double", Count = 3, Missing = 1, MissingRate = double.NaN, Distinct = 2, DistinctAtLeast = true,
            Min = double.NegativeInfinity, Max = double.PositiveInfinity, Mean = 0.1 + 0.2, StdDev = 5e-324, NonFinite = 2,
            Quantiles = new Dictionary<string, double> { ["0.5"] = 1.5, ["0.99"] = double.NaN }, QuantilesExact = false,
            Histogram = [new HistogramBin(0, 1.5, 2)], Top = [new ValueCount("v\u2028", 3)], TopExact = true, Lengths = new TextLengths(0, 2.25, 9),
        };
        var bare = new ColumnStatistics { Name = "", Type = "string" };
        var stats = new DatasetStatistics { RowCount = 3, Columns = [full, bare] };
        stats.ToJson().ShouldBe(Serialized(stats));
        new DatasetStatistics { Columns = [] }.ToJson().ShouldBe(Serialized(new DatasetStatistics { Columns = [] }));
    }

    [Fact]
    public async Task The_statistics_of_every_shipped_dataset_are_written_as_the_serializer_writes_them()
    {
        foreach (var (file, options) in new[]
        {
            ("adult/adult.data", new IngestOptions { Delimited = new DelimitedOptions { HasHeader = false }, Missing = ["", "?"], Trim = true }),
            ("titanic/train.csv", new IngestOptions()),
            ("california_housing/housing.csv", new IngestOptions()),
        })
        {
            using var h = new IngestHarness();
            var r = await h.Run(await File.ReadAllBytesAsync(DataFiles.Path(file)), options, Path.GetFileName(file));
            r.Statistics.ToJson().ShouldBe(Serialized(r.Statistics), file);
        }
    }
}
