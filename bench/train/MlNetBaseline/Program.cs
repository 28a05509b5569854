// A hand-written ML.NET program doing what the Lockstep adult benchmark pipeline does: read
// adult.data, one-hot encode the categorical columns (with '?' as its own category), impute
// numbers, train LightGBM (100 iterations, 31 leaves, learning rate 0.1, one thread,
// deterministic), save the model, then score adult.test for the AUC. Prints one JSON line.
using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.LightGbm;

var data = args.Length > 0 ? args[0] : "data/adult";
var output = args.Length > 1 ? args[1] : Path.Combine(Path.GetTempPath(), "mlnet-baseline.zip");
var watch = Stopwatch.StartNew();
var ml = new MLContext(seed: 42);
var categorical = new[] { "workclass", "education", "marital-status", "occupation", "relationship", "race", "sex", "native-country" };
var numeric = new[] { "age", "fnlwgt", "education-num", "capital-gain", "capital-loss", "hours-per-week" };
var names = new[] { "age", "workclass", "fnlwgt", "education", "education-num", "marital-status", "occupation", "relationship", "race", "sex", "capital-gain", "capital-loss", "hours-per-week", "native-country", "income" };
var columns = names.Select((n, i) => new TextLoader.Column(n, categorical.Contains(n) || n == "income" ? DataKind.String : DataKind.Single, i)).ToArray();
var loader = ml.Data.CreateTextLoader(new TextLoader.Options { Columns = columns, Separators = [','], TrimWhitespace = true, HasHeader = false, MissingRealsAsNaNs = true });
var train = ml.Data.Cache(loader.Load(Path.Combine(data, "adult.data")));
var labels = new[] { new KeyValuePair<string, bool>(">50K", true), new(">50K.", true), new("<=50K", false), new("<=50K.", false) };
var pipeline = ml.Transforms.Conversion.MapValue("Label", labels, "income")
    .Append(ml.Transforms.Categorical.OneHotEncoding(categorical.Select(c => new InputOutputColumnPair(c + "_oh", c)).ToArray()))
    .Append(ml.Transforms.ReplaceMissingValues(numeric.Select(c => new InputOutputColumnPair(c + "_imp", c)).ToArray()))
    .Append(ml.Transforms.Concatenate("Features", numeric.Select(c => c + "_imp").Concat(categorical.Select(c => c + "_oh")).ToArray()))
    .Append(ml.BinaryClassification.Trainers.LightGbm(new LightGbmBinaryTrainer.Options
    {
        NumberOfIterations = 100, NumberOfLeaves = 31, LearningRate = 0.1, Seed = 42, NumberOfThreads = 1, Deterministic = true, Silent = true,
    }));
var model = pipeline.Fit(train);
ml.Model.Save(model, train.Schema, output);
var trainSeconds = watch.Elapsed.TotalSeconds;
var test = loader.Load(new MultiFileSource(Path.Combine(data, "adult.test")));
// adult.test starts with a comment line that the loader reads as a row with a missing label; drop it.
test = ml.Data.FilterRowsByMissingValues(test, "age");
var scored = model.Transform(test);
var metrics = ml.BinaryClassification.Evaluate(scored);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"{{\"ingest_featurize_train_save_s\": {trainSeconds:0.###}, \"auc\": {metrics.AreaUnderRocCurve:0.#####}, \"accuracy\": {metrics.Accuracy:0.#####}}}"));
