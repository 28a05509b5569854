using Lockstep.ML.Bundles;
using Lockstep.ML.Features;
using Lockstep.ML.Frames;
using Lockstep.ML.Training;

// Usage: Lockstep.Bench.TrainAdult DATA_DIR OUT.lsb
string[] columns =
[
    "age", "workclass", "fnlwgt", "education", "education-num", "marital-status", "occupation",
    "relationship", "race", "sex", "capital-gain", "capital-loss", "hours-per-week", "native-country", "income",
];
var train = await CsvFrameReader.ReadAsync(Path.Combine(args[0], "adult.data"), new CsvOptions { HasHeader = false, ColumnNames = columns, MissingValues = ["?"] }, default);
var features = new FeaturizeOptions { Label = "income", Task = TaskKind.Binary, LabelTrimSuffix = ".", PositiveClass = ">50K" };
var lineage = new ModelLineage(new Dictionary<string, string> { ["train"] = "adult.data" }, "bench", 42, "bench", "lightgbm", "train");
var result = ModelBuilder.Build(train, features, new TrainerSpec("lightgbm", new Dictionary<string, double> { ["iterations"] = 100, ["leaves"] = 31 }), 42, lineage);
await result.Bundle.WriteAsync(args[1], default);
Console.WriteLine($"wrote {args[1]} ({new FileInfo(args[1]).Length} bytes)");
