using Lockstep.ML.Frames;

namespace Lockstep.ML.Tests;

/// <summary>The shipped datasets under data/ at the repository root.</summary>
internal static class TestData
{
    public static readonly string[] AdultColumns =
    [
        "age", "workclass", "fnlwgt", "education", "education-num", "marital-status", "occupation",
        "relationship", "race", "sex", "capital-gain", "capital-loss", "hours-per-week", "native-country", "income",
    ];

    public static string Root { get; } = FindRoot();

    public static string Path(params string[] parts) => System.IO.Path.Combine([Root, "data", .. parts]);

    public static CsvOptions AdultCsv { get; } = new() { HasHeader = false, ColumnNames = AdultColumns, MissingValues = ["?"] };

    private static Frame? _adultTrain;
    private static Frame? _adultTest;

    public static Frame AdultTrain => _adultTrain ??= CsvFrameReader.ReadAsync(Path("adult", "adult.data"), AdultCsv, default).GetAwaiter().GetResult();

    public static Frame AdultTest => _adultTest ??= CsvFrameReader.ReadAsync(Path("adult", "adult.test"), AdultCsv, default).GetAwaiter().GetResult();

    /// <summary>The first <paramref name="rows"/> rows of adult.data: enough to train in a moment.</summary>
    public static Frame AdultSample(int rows) => AdultTrain.Take(Enumerable.Range(0, rows).ToArray());

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(System.IO.Path.Combine(dir.FullName, "Lockstep.slnx")))
        {
            dir = dir.Parent;
        }
        return dir?.FullName ?? throw new InvalidOperationException("cannot find the repository root (Lockstep.slnx) above " + AppContext.BaseDirectory);
    }
}
