using Lockstep.Data.Snapshots;
using Lockstep.Data.Tables;
using Lockstep.Errors;
using Lockstep.ML.Splitting;
using Lockstep.Pipelines;
using Lockstep.Steps;

namespace Lockstep.ML.Steps;

/// <summary>
/// Splits a dataset into train and test snapshots: at random, stratified by a label, or ordered by
/// a column (the last rows are the test part, as for time series). Seeded: the same data and seed
/// give the same split.
/// </summary>
public sealed class SplitStep : IStepType
{
    public StepSignature Signature { get; } = new()
    {
        Type = "split",
        Description = "Splits a dataset into train and test snapshots (random, stratified by label, or ordered by a column).",
        UsesSeed = true,
        Inputs = [new InputSpec("data", true, "a snapshot, or a delimited text file (see 'csv')")],
        Outputs = [new OutputSpec("train", "the training rows (snapshot)"), new OutputSpec("test", "the held-out rows (snapshot)")],
        Parameters =
        [
            ParameterSpec.Opt("method", ParameterKind.String, "random", "random, stratified or ordered") with { Choices = ["random", "stratified", "ordered"] },
            ParameterSpec.Opt("test_fraction", ParameterKind.Number, 0.2, "share of rows in the test part, between 0 and 1"),
            ParameterSpec.Opt("label", ParameterKind.String, null, "the column to stratify by (method: stratified)"),
            ParameterSpec.Opt("column", ParameterKind.String, null, "the column to order by (method: ordered)"),
            ParameterSpec.Opt("seed", ParameterKind.Integer, null, "override the step's derived seed"),
            StepData.CsvParameter,
        ],
    };

    public IEnumerable<PipelineProblem> Validate(StepDeclaration step, StepParameters parameters)
    {
        var method = parameters.GetStringOrNull("method") ?? "random";
        if (method == "stratified" && !parameters.Has("label"))
        {
            yield return new PipelineProblem(step.Location, $"split step '{step.Id}' uses method 'stratified' but has no 'label' parameter; name the column to stratify by");
        }
        if (method == "ordered" && !parameters.Has("column"))
        {
            yield return new PipelineProblem(step.Location, $"split step '{step.Id}' uses method 'ordered' but has no 'column' parameter; name the column to order by (e.g. a date)");
        }
        if (parameters.GetNode("test_fraction") is not null && parameters.GetDoubleOrNull("test_fraction") is { } f && (f <= 0 || f >= 1))
        {
            yield return new PipelineProblem(parameters.LocationOf("test_fraction"), $"split step '{step.Id}': test_fraction must be between 0 and 1 (exclusive), not {f}");
        }
    }

    public async Task ExecuteAsync(StepContext context, CancellationToken cancellationToken)
    {
        var table = await StepData.ReadTableAsync(context, "data", cancellationToken).ConfigureAwait(false);
        var fraction = context.Parameters.GetDoubleOrNull("test_fraction") ?? 0.2;
        var method = context.Parameters.GetStringOrNull("method") ?? "random";
        var (train, test) = method switch
        {
            "stratified" => Splitter.Stratified(Texts(table, context.Parameters.GetString("label")), fraction, context.Seed32),
            "ordered" => Ordered(table, context.Parameters.GetString("column"), fraction),
            _ => Splitter.Random(table.RowCount, fraction, context.Seed32),
        };
        if (train.Length == 0 || test.Length == 0)
        {
            throw new StepInputException($"the split leaves {train.Length} training and {test.Length} test rows out of {table.RowCount}; use more data or another test_fraction");
        }
        await SnapshotFile.WriteAsync(table.Select(train), context.OutputPath("train"), cancellationToken).ConfigureAwait(false);
        await SnapshotFile.WriteAsync(table.Select(test), context.OutputPath("test"), cancellationToken).ConfigureAwait(false);
        context.SetMetric("train_rows", train.Length);
        context.SetMetric("test_rows", test.Length);
        context.Log.WriteLine($"{method} split with seed {context.Seed32}: {train.Length} train rows, {test.Length} test rows");
    }

    private static string?[] Texts(Table table, string name)
    {
        var column = Column(table, name);
        return Enumerable.Range(0, column.Length).Select(i => column.GetValue(i) is { } v ? Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture) : null).ToArray();
    }

    private static (int[], int[]) Ordered(Table table, string name, double fraction)
    {
        var column = Column(table, name);
        if (column.Type is ColumnType.Int64 or ColumnType.Double)
        {
            var keys = Enumerable.Range(0, column.Length).Select(i => column.GetDouble(i) ?? double.NegativeInfinity).ToArray();
            return Splitter.Ordered(keys, fraction, Comparer<double>.Default);
        }
        return Splitter.Ordered(Texts(table, name), fraction, StringComparer.Ordinal);
    }

    private static Column Column(Table table, string name) =>
        table.TryGetColumn(name, out var column)
            ? column
            : throw new StepInputException($"there is no column '{name}' to split by; the data has {string.Join(", ", table.ColumnNames.Select(n => $"'{n}'"))}");
}
