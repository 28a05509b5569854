using Lockstep.Data.Ingest;
using Lockstep.Data.Snapshots;
using Lockstep.Data.Tables;

namespace Lockstep.Data.Tests.Ingest;

/// <summary>Every dataset in data/ ingests with a short config; rows and missing counts match data/README.md.</summary>
public sealed class ShippedDatasetTests
{
    private static readonly string[] AdultColumns =
    [
        "age", "workclass", "fnlwgt", "education", "education-num", "marital-status", "occupation",
        "relationship", "race", "sex", "capital-gain", "capital-loss", "hours-per-week", "native-country", "income",
    ];

    private static async Task<(IngestResult Result, Table Table)> Ingest(string file, IngestOptions options)
    {
        using var tmp = new TempFolder();
        var snapshot = tmp.File("snapshot.parquet");
        var result = await Ingestor.IngestFileAsync(DataFiles.Path(file), options, snapshot, tmp.File("rejects.jsonl"), tmp.Path, null, CancellationToken.None);
        var table = await SnapshotFile.ReadAsync(snapshot, CancellationToken.None);
        return (result, table);
    }

    private static long Missing(IngestResult r, string column) => r.Statistics.Find(column)!.Missing;

    [Fact]
    public async Task Adult_data_has_32561_rows_and_the_documented_missing_values()
    {
        var (r, t) = await Ingest("adult/adult.data", new IngestOptions
        {
            Delimited = new DelimitedOptions { Delimiter = ", ", HasHeader = false },
            Columns = AdultColumns,
            Missing = ["?"],
        });
        r.RowCount.ShouldBe(32_561);
        t.RowCount.ShouldBe(32_561);
        t.Columns.Count.ShouldBe(15);
        Missing(r, "workclass").ShouldBe(1_836);
        Missing(r, "occupation").ShouldBe(1_843);
        Missing(r, "native-country").ShouldBe(583);
        Missing(r, "age").ShouldBe(0);
        t["age"].Type.ShouldBe(ColumnType.Int64);
        t["workclass"].GetString(0).ShouldBe("State-gov");
        t["income"].GetString(0).ShouldBe("<=50K");
        r.RejectedCount.ShouldBe(0);
    }

    [Fact]
    public async Task Adult_test_skips_its_comment_line_and_keeps_16281_rows()
    {
        var (r, t) = await Ingest("adult/adult.test", new IngestOptions
        {
            Delimited = new DelimitedOptions { Delimiter = ", ", HasHeader = false, CommentPrefix = "#" },
            Columns = AdultColumns,
            Missing = ["?"],
        });
        r.RowCount.ShouldBe(16_281);
        t["income"].GetString(0).ShouldBe("<=50K.");
        t["age"].Type.ShouldBe(ColumnType.Int64);
    }

    [Fact]
    public async Task Titanic_train_has_891_rows_with_177_ages_687_cabins_and_2_embarked_missing()
    {
        var (r, t) = await Ingest("titanic/train.csv", new IngestOptions());
        r.RowCount.ShouldBe(891);
        t.Columns.Count.ShouldBe(12);
        Missing(r, "Age").ShouldBe(177);
        Missing(r, "Cabin").ShouldBe(687);
        Missing(r, "Embarked").ShouldBe(2);
        t["Age"].Type.ShouldBe(ColumnType.Double);
        t["Survived"].Type.ShouldBe(ColumnType.Int64);
        t["Name"].GetString(0).ShouldBe("Braund, Mr. Owen Harris");
    }

    [Fact]
    public async Task Titanic_test_has_418_rows_and_one_missing_fare()
    {
        var (r, t) = await Ingest("titanic/test.csv", new IngestOptions());
        r.RowCount.ShouldBe(418);
        t.Columns.Count.ShouldBe(11);
        Missing(r, "Fare").ShouldBe(1);
    }

    [Fact]
    public async Task California_housing_has_20640_rows_and_207_missing_bedrooms()
    {
        var (r, t) = await Ingest("california_housing/housing.csv", new IngestOptions());
        r.RowCount.ShouldBe(20_640);
        t.Columns.Count.ShouldBe(10);
        Missing(r, "total_bedrooms").ShouldBe(207);
        r.Statistics.Find("ocean_proximity")!.Top!.ShouldContain(v => v.Value == "ISLAND" && v.Count == 5);
    }

    [Fact]
    public async Task Sms_spam_is_tab_separated_without_quoting_and_has_5574_rows()
    {
        var (r, t) = await Ingest("sms_spam/SMSSpamCollection", new IngestOptions
        {
            Delimited = new DelimitedOptions { Delimiter = "\t", Quote = '\0' },
        });
        r.RowCount.ShouldBe(5_574);
        t.Columns.Select(c => c.Name).ShouldBe(["Label", "SMS"]);
        r.Statistics.Find("Label")!.Distinct.ShouldBe(2);
        r.Statistics.Find("SMS")!.Lengths.ShouldNotBeNull();
    }

    [Fact]
    public async Task Kdd_cup_is_read_through_gzip_and_has_494021_rows_of_42_columns()
    {
        var (r, t) = await Ingest("kddcup99_10pct/kddcup.data_10_percent.gz", new IngestOptions
        {
            Delimited = new DelimitedOptions { HasHeader = false },
        });
        r.RowCount.ShouldBe(494_021);
        t.Columns.Count.ShouldBe(42);
        t["column_42"].GetString(0).ShouldBe("normal.");
        r.Statistics.Columns.Sum(c => c.Missing).ShouldBe(0);
    }
}
