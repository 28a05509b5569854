using System.Text.Json.Nodes;
using Lockstep.Data.Snapshots;
using Lockstep.Data.Tables;
using Lockstep.Errors;
using Lockstep.ML.Frames;
using Lockstep.Steps;

namespace Lockstep.ML.Steps;

/// <summary>
/// How the ML steps read their data inputs: a snapshot (Parquet, from ingest or split) is read as
/// is; any other file is read as delimited text with the step's 'csv' parameter.
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
        var source = context.Input(input).Source;
        var frame = await CsvFrameReader.ReadAsync(path, CsvOptions(context), cancellationToken).ConfigureAwait(false);
        context.Log.WriteLine($"read {source}: {frame.RowCount} rows × {frame.Columns.Count} columns (delimited text)");
        return TableFrames.ToTable(frame);
    }

    public static async Task<Frame> ReadFrameAsync(StepContext context, string input, CancellationToken cancellationToken)
    {
        var path = context.Input(input).Path;
        if (await IsParquetAsync(path, cancellationToken).ConfigureAwait(false))
        {
            return TableFrames.ToFrame(await SnapshotFile.ReadAsync(path, cancellationToken).ConfigureAwait(false));
        }
        var frame = await CsvFrameReader.ReadAsync(path, CsvOptions(context), cancellationToken).ConfigureAwait(false);
        context.Log.WriteLine($"read {context.Input(input).Source}: {frame.RowCount} rows × {frame.Columns.Count} columns (delimited text)");
        return frame;
    }

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
