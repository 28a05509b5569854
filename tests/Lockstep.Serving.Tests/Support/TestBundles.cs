using Lockstep.Data.Schemas;
using System.IO.Compression;
using System.Text.Json;
using Lockstep.ML;
using Lockstep.ML.Bundles;
using Lockstep.ML.Features;
using Lockstep.ML.Frames;
using Lockstep.ML.Training;

namespace Lockstep.Serving.Tests.Support;

/// <summary>
/// Real model bundles trained on the shipped adult data through the ML area's builder (small
/// LightGBM models, once per test run), plus a tampered one and one with another environment lock.
/// </summary>
internal static class TestBundles
{
    public static readonly string[] AdultColumns =
    [
        "age", "workclass", "fnlwgt", "education", "education-num", "marital-status", "occupation",
        "relationship", "race", "sex", "capital-gain", "capital-loss", "hours-per-week", "native-country", "income",
    ];

    private static readonly Lazy<Frame> Train = new(() => CsvFrameReader.ReadAsync(DataPath("adult", "adult.data"),
        new CsvOptions { HasHeader = false, ColumnNames = AdultColumns, MissingValues = ["?"] }, default).GetAwaiter().GetResult());

    private static readonly Lazy<TrainingResult> First = new(() => Build(seed: 1, iterations: 20));
    private static readonly Lazy<TrainingResult> Second = new(() => Build(seed: 2, iterations: 30));

    /// <summary>Version 1 of "adult".</summary>
    public static byte[] V1 => First.Value.Bundle.ToBytes();

    /// <summary>V1's expectations (the schema a request is validated against).</summary>
    public static DatasetSchema AdultExpectations => First.Value.Bundle.Expectations;

    /// <summary>The first row of adult.data as a client sends it (raw fields, no label): valid against V1's expectations.</summary>
    public static Dictionary<string, object?> ValidAdultRow() => new(StringComparer.Ordinal)
    {
        ["age"] = 39d, ["workclass"] = "State-gov", ["fnlwgt"] = 77516d, ["education"] = "Bachelors", ["education-num"] = 13d,
        ["marital-status"] = "Never-married", ["occupation"] = "Adm-clerical", ["relationship"] = "Not-in-family", ["race"] = "White",
        ["sex"] = "Male", ["capital-gain"] = 2174d, ["capital-loss"] = 0d, ["hours-per-week"] = 40d, ["native-country"] = "United-States",
    };

    /// <summary>Version 2: another seed and more trees, so its scores differ.</summary>
    public static byte[] V2 => Second.Value.Bundle.ToBytes();

    /// <summary>V1 with metrics.json edited after the hash manifest was written.</summary>
    public static byte[] Tampered()
    {
        using var stream = new MemoryStream();
        stream.Write(V1);
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Update, leaveOpen: true))
        {
            var entry = zip.GetEntry(BundleEntries.Metrics)!;
            entry.Delete();
            using var writer = new StreamWriter(zip.CreateEntry(BundleEntries.Metrics).Open());
            writer.Write("{\"auc\":0.999}");
        }
        return stream.ToArray();
    }

    /// <summary>V1's content with an environment lock from another runtime, correctly hashed.</summary>
    public static byte[] OtherEnvironment()
    {
        var b = First.Value.Bundle;
        var environment = b.Environment with { Runtime = ".NET 8.0.0" };
        return b.With(BundleEntries.Environment, MLJson.ToBytes(environment)).ToBytes();
    }

    public static string DataPath(params string[] parts)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Lockstep.slnx")))
        {
            dir = dir.Parent;
        }
        return Path.Combine([dir?.FullName ?? throw new InvalidOperationException("no Lockstep.slnx above the test folder"), "data", .. parts]);
    }

    private static TrainingResult Build(int seed, int iterations)
    {
        var frame = Train.Value.Take(Enumerable.Range(0, 4000).ToArray());
        var features = new FeaturizeOptions { Label = "income", Task = TaskKind.Binary, LabelTrimSuffix = ".", PositiveClass = ">50K" };
        var lineage = new ModelLineage(new Dictionary<string, string> { ["train"] = "adult.data[0:4000]" }, "serving-tests", seed, "serving-tests", "lightgbm", "train");
        return ModelBuilder.Build(frame, features, new TrainerSpec("lightgbm", new Dictionary<string, double> { ["iterations"] = iterations }), seed, lineage);
    }
}
