using Lockstep.ML.Bundles;
using Lockstep.ML.Features;
using Lockstep.ML.Frames;
using Lockstep.ML.Training;

namespace Lockstep.ML.Tests;

/// <summary>Small, fast models on adult for the bundle and parity tests.</summary>
internal static class TestModels
{
    public static FeaturizeOptions AdultFeatures { get; } = new()
    {
        Label = "income",
        Task = TaskKind.Binary,
        LabelTrimSuffix = ".",
        PositiveClass = ">50K",
        Exclude = ["fnlwgt"],
    };

    public static ModelLineage ModelLineage(string trainer) =>
        new(new Dictionary<string, string> { ["train"] = "test" }, "config", 42, "tests", trainer, "train");

    public static TrainingResult Adult(string trainer = "lightgbm", int rows = 3000, int iterations = 20, int seed = 42) =>
        ModelBuilder.Build(
            TestData.AdultSample(rows),
            trainer is "sdca" or "lbfgs" ? AdultFeatures with { Scale = "standard" } : AdultFeatures,
            new TrainerSpec(trainer, new Dictionary<string, double> { ["iterations"] = iterations }),
            seed,
            ModelLineage(trainer));

    public static async Task<string> WriteAsync(ModelBundle bundle, string folder)
    {
        var path = System.IO.Path.Combine(folder, "model.lsb");
        await bundle.WriteAsync(path, default);
        return path;
    }

    /// <summary>Row <paramref name="r"/> of a frame as a request would carry it (without the label).</summary>
    public static Dictionary<string, object?> Row(Frame frame, int r, string label = "income")
    {
        var row = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var column in frame.Columns)
        {
            if (column.Name != label)
            {
                row[column.Name] = column.IsMissing(r) ? null : column.Numbers is { } n ? n[r] : column.Texts![r];
            }
        }
        return row;
    }
}
