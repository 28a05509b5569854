using System.Text.Json.Nodes;
using Lockstep.Data.Ingest;
using Lockstep.Data.Snapshots;
using Lockstep.Data.Tables;
using Lockstep.Errors;
using Lockstep.ML.Frames;
using Lockstep.Steps;

namespace Lockstep.ML.Steps;

/// <summary>
/// How the ML steps read their data inputs: a snapshot (Parquet, from ingest or split) is read as
/// is; any other file is ingested as delimited text, through the data layer, with the step's 'csv' parameter.
/// </summary>
internal static class StepData
{
    public static ParameterSpec CsvParameter { get; } = ParameterSpec.Opt("csv", ParameterKind.Map, null,
        "how to read a raw text input (not needed for snapshots): separator, header (true/false), column_names, missing (list), comment, text_columns");

    public static async Task<Table> ReadTableAsync(StepContext context, string input, CancellationToken cancellationToken)
    {
        var path = context.Input(input).Path;
        if (await IsParquetAsync(path, cancellationToken).ConfigureAwait(false))
        {
            return await SnapshotFile.ReadAsync(path, cancellationToken).ConfigureAwait(false);
        }
        // Raw text goes through the data layer's ingest (the same parser, errors and missing-value
        // handling as the ingest step) into a snapshot in the step's scratch folder.
        var source = context.Input(input).Source;
        var snapshot = Path.Combine(context.ScratchDirectory, input + ".snapshot.parquet");
        await Ingestor.IngestFileAsync(path, IngestOptionsFor(CsvOptions(context)), snapshot, rejectsPath: null,
            context.ScratchDirectory, log: null, cancellationToken, description: source).ConfigureAwait(false);
        var table = await SnapshotFile.ReadAsync(snapshot, cancellationToken).ConfigureAwait(false);
        context.Log.WriteLine($"read {source}: {table.RowCount} rows × {table.Columns.Count} columns (delimited text)");
        return table;
    }

    public static async Task<Frame> ReadFrameAsync(StepContext context, string input, CancellationToken cancellationToken) =>
        TableFrames.ToFrame(await ReadTableAsync(context, input, cancellationToken).ConfigureAwait(false));

    /// <summary>The 'csv' parameter's reading of a raw file, as options for the data layer's ingest.</summary>
    private static IngestOptions IngestOptionsFor(CsvOptions csv) => new()
    {
        Delimited = new DelimitedOptions { Delimiter = csv.Separator.ToString(), HasHeader = csv.HasHeader, CommentPrefix = csv.CommentPrefix },
        Columns = csv.ColumnNames,
        Missing = csv.MissingValues.Append("").Distinct(StringComparer.Ordinal).ToList(),
        Types = csv.TextColumns.ToDictionary(c => c, _ => ColumnType.String, StringComparer.Ordinal),
        Trim = csv.Trim,
    };

    private static async Task<bool> IsParquetAsync(string path, CancellationToken cancellationToken)
    {
        var magic = new byte[4];
        await using var stream = File.OpenRead(path);
        var read = await stream.ReadAtLeastAsync(magic, 4, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        return read == 4 && magic.AsSpan().SequenceEqual("PAR1"u8);
    }

    private static CsvOptions CsvOptions(StepContext context)
    {
        var map = context.Parameters.GetMap("csv");
        if (map is null)
        {
            return new CsvOptions();
        }
        var options = new CsvOptions();
        foreach (var (key, value) in map)
        {
            options = key switch
            {
                "separator" => options with { Separator = Text(value, key) switch { "\\t" or "tab" => '\t', { Length: 1 } s => s[0], var s => throw Bad(key, $"one character, not '{s}'") } },
                "header" => options with { HasHeader = value is JsonValue v && v.TryGetValue<bool>(out var b) ? b : throw Bad(key, "true or false") },
                "column_names" => options with { ColumnNames = List(value, key) },
                "missing" => options with { MissingValues = List(value, key) },
                "comment" => options with { CommentPrefix = Text(value, key) },
                "text_columns" => options with { TextColumns = List(value, key) },
                "trim" => options with { Trim = value is JsonValue t && t.TryGetValue<bool>(out var tb) ? tb : throw Bad(key, "true or false") },
                _ => throw Bad(key, null),
            };
        }
        return options;

        StepInputException Bad(string key, string? expected) => expected is null
            ? new($"{context.Parameters.LocationOf("csv")}: step '{context.StepId}' csv option '{key}' is unknown; use separator, header, column_names, missing, comment, text_columns, trim")
            : new($"{context.Parameters.LocationOf("csv")}: step '{context.StepId}' csv option '{key}' must be {expected}");
    }

    private static string Text(JsonNode? node, string key) =>
        node is JsonValue v && v.TryGetValue<string>(out var s) ? s : node?.ToJsonString() ?? throw new StepInputException($"csv option '{key}' needs a value");

    private static List<string> List(JsonNode? node, string key) => node switch
    {
        JsonArray a => a.Select(i => Text(i, key)).ToList(),
        _ => [Text(node, key)],
    };
}
