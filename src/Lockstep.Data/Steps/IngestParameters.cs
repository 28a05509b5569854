using System.Text.Json.Nodes;
using Lockstep.Data.Ingest;
using Lockstep.Data.Tables;
using Lockstep.Errors;
using Lockstep.Pipelines;
using Lockstep.Steps;

namespace Lockstep.Data.Steps;

/// <summary>Reads the ingest step's parameters into <see cref="IngestOptions"/>, with errors that name the parameter.</summary>
internal static class IngestParameters
{
    public static IReadOnlyList<ParameterSpec> Specs { get; } =
    [
        ParameterSpec.Opt("delimiter", ParameterKind.String, JsonValue.Create(","), "text between fields; may be several characters (\", \" for adult.data); \"\\t\" or \"tab\" for tabs"),
        ParameterSpec.Opt("header", ParameterKind.Boolean, JsonValue.Create(true), "the first row holds column names"),
        ParameterSpec.Opt("columns", ParameterKind.StringList, null, "column names (replace the header, or name the columns of a file without one)"),
        ParameterSpec.Opt("quote", ParameterKind.String, JsonValue.Create("\""), "quote character; \"\" turns quoting off"),
        ParameterSpec.Opt("comment", ParameterKind.String, null, "lines starting with this text are skipped"),
        ParameterSpec.Opt("missing", ParameterKind.StringList, new JsonArray(JsonValue.Create("")), "field texts that mean a missing value, e.g. [\"?\", \"NA\", \"\"]"),
        ParameterSpec.Opt("types", ParameterKind.Map, null, "declared column types, e.g. {age: int64}; others are inferred (int64, double, string, boolean)"),
        ParameterSpec.Opt("key", ParameterKind.StringList, null, "sort rows by these columns (else the source order is kept)"),
        ParameterSpec.Opt("on_bad_rows", ParameterKind.String, JsonValue.Create("error"), "error: stop at the first bad row; skip: skip bad rows into the rejects output") with { Choices = ["error", "skip"] },
        ParameterSpec.Opt("trim", ParameterKind.Boolean, JsonValue.Create(false), "trim spaces around fields"),
        ParameterSpec.Opt("encoding", ParameterKind.String, JsonValue.Create("utf-8"), "text encoding; only utf-8 is read"),
        ParameterSpec.Opt("batch_rows", ParameterKind.Integer, JsonValue.Create((long)Lockstep.Data.Snapshots.SnapshotWriter.RowGroupSize), "rows held in memory at once"),
        ParameterSpec.Opt("query", ParameterKind.String, null, "SQL query when the source is a SQLite database; add ORDER BY or 'key' for a stable order"),
        ParameterSpec.Opt("name", ParameterKind.String, null, "register the snapshot in the dataset catalogue under this name (see 'lockstep data list')"),
    ];

    public static IEnumerable<PipelineProblem> Validate(StepDeclaration step, StepParameters p)
    {
        if (p.GetNode("types") is JsonObject types)
        {
            foreach (var (column, value) in types)
            {
                var text = value is JsonValue v && v.TryGetValue<string>(out var s) ? s : value?.ToJsonString();
                if (!ColumnTypes.TryParse(text, out _))
                {
                    yield return new PipelineProblem(p.LocationOf("types") ?? step.Location, $"step '{step.Id}' declares column '{column}' as '{text}'; use {ColumnTypes.Accepted}");
                }
            }
        }
        if (p.GetStringOrNull("encoding") is { } enc && !IsUtf8(enc))
        {
            yield return new PipelineProblem(p.LocationOf("encoding") ?? step.Location, $"step '{step.Id}': encoding '{enc}' is not supported; convert the file to UTF-8 (e.g. 'iconv -f {enc} -t utf-8') and drop 'encoding'");
        }
        if (p.GetStringOrNull("quote") is { Length: > 1 } q)
        {
            yield return new PipelineProblem(p.LocationOf("quote") ?? step.Location, $"step '{step.Id}': quote must be one character or \"\", not '{q}'");
        }
    }

    public static IngestOptions Read(StepParameters p)
    {
        var quote = p.GetStringOrNull("quote") ?? "\"";
        var types = new Dictionary<string, ColumnType>(StringComparer.Ordinal);
        if (p.GetMap("types") is { } map)
        {
            foreach (var (column, value) in map)
            {
                var text = value is JsonValue v && v.TryGetValue<string>(out var s) ? s : value?.ToJsonString();
                types[column] = ColumnTypes.TryParse(text, out var t) ? t : throw new StepInputException($"parameter 'types': column '{column}' has type '{text}'; use {ColumnTypes.Accepted}");
            }
        }
        var batch = p.GetInt64OrNull("batch_rows") ?? Lockstep.Data.Snapshots.SnapshotWriter.RowGroupSize;
        if (batch is < 1 or > 10_000_000)
        {
            throw new StepInputException($"parameter 'batch_rows' must be between 1 and 10000000, not {batch}");
        }
        return new IngestOptions
        {
            Delimited = new DelimitedOptions
            {
                Delimiter = Unescape(p.GetStringOrNull("delimiter") ?? ","),
                HasHeader = p.GetBooleanOrNull("header") ?? true,
                Quote = quote.Length == 0 ? '\0' : quote[0],
                CommentPrefix = p.GetStringOrNull("comment"),
            },
            Columns = p.Has("columns") ? p.GetStringList("columns") : null,
            Missing = p.Has("missing") ? p.GetStringList("missing") : [""],
            Types = types,
            Key = p.GetStringList("key"),
            OnBadRows = p.GetStringOrNull("on_bad_rows") == "skip" ? BadRowPolicy.Skip : BadRowPolicy.Error,
            Trim = p.GetBooleanOrNull("trim") ?? false,
            BatchRows = (int)batch,
        };
    }

    private static bool IsUtf8(string e) => e.Replace("-", "", StringComparison.Ordinal).Equals("utf8", StringComparison.OrdinalIgnoreCase);

    private static string Unescape(string d) => d switch
    {
        "\\t" or "tab" => "\t",
        "\\n" => "\n",
        "space" => " ",
        _ => d,
    };
}
