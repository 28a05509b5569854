using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Lockstep.Errors;
using Lockstep.Serving.Logging;
using Spectre.Console;

namespace Lockstep.Cli.Commands;

/// <summary><c>lockstep predictions list|export</c>: read the durable prediction log back.</summary>
internal static class PredictionsCommand
{
    private static readonly Option<string?> Model = new("--model") { Description = "Only this model" };
    private static readonly Option<int?> Version = new("--version") { Description = "Only this version" };
    private static readonly Option<string?> Since = new("--since") { Description = "From this time (ISO 8601, UTC unless an offset is given)" };
    private static readonly Option<string?> Until = new("--until") { Description = "Before this time (ISO 8601)" };

    public static Command Create()
    {
        var command = new Command("predictions", "Read the prediction log: every prediction served or batch-scored, with its input, output and model version");
        command.Subcommands.Add(List());
        command.Subcommands.Add(Export());
        return command;
    }

    private static Command List()
    {
        var limit = new Option<int>("--limit", "-n") { Description = "How many predictions (oldest first within the filter)", DefaultValueFactory = _ => 20 };
        var command = new Command("list", "List logged predictions");
        foreach (var o in new Option[] { Model, Version, Since, Until, limit })
        {
            command.Options.Add(o);
        }
        LockstepCli.SetAction(command, async (session, ct) =>
        {
            var query = Query(session.Parse) with { Limit = ArgumentsException.AtLeast("--limit", session.Parse.GetValue(limit), 1) };
            var store = await session.OpenStoreAsync(ct).ConfigureAwait(false);
            var reader = new PredictionLogReader(store.Database, store.Objects);
            var rows = new List<PredictionRecord>();
            await foreach (var r in reader.ReadAsync(query, ct).ConfigureAwait(false))
            {
                rows.Add(r);
            }
            if (session.Json)
            {
                session.WriteJson(new JsonArray(rows.Select(r => (JsonNode)ToJson(r)).ToArray()));
                return 0;
            }
            if (rows.Count == 0)
            {
                session.Out.WriteLine("no predictions logged" + (query.Model is null ? "" : $" for {query.Model}") + ": 'lockstep serve' and 'lockstep predict' log every prediction");
                return 0;
            }
            var table = new Table().Border(TableBorder.Simple).AddColumns("at", "model", "request", "row", "output", "findings", "latency");
            foreach (var r in rows)
            {
                table.AddRow(Markup.Escape(PredictionLogReader.Format(r.At)), Markup.Escape($"{r.Model}@{r.Version}"), Markup.Escape(r.RequestId), r.RowIndex.ToString(CultureInfo.InvariantCulture),
                    Markup.Escape(r.OutputJson), Markup.Escape(r.FindingsJson ?? ""), r.Source == "batch" ? "batch" : (r.LatencyMicros / 1000.0).ToString("0.000", CultureInfo.InvariantCulture) + " ms");
            }
            session.Console.Write(table);
            return 0;
        });
        return command;
    }

    private static Command Export()
    {
        var output = new Option<string>("--output", "-o") { Description = "File to write; .parquet writes Parquet, anything else CSV", Required = true };
        var format = new Option<string?>("--format") { Description = "csv or parquet (default: from the file extension)" };
        var command = new Command("export", "Export logged predictions to CSV or Parquet");
        foreach (var o in new Option[] { Model, Version, Since, Until, output, format })
        {
            command.Options.Add(o);
        }
        LockstepCli.SetAction(command, async (session, ct) =>
        {
            var path = session.Parse.GetValue(output)!;
            var kind = session.Parse.GetValue(format)?.ToLowerInvariant() ?? (path.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase) ? "parquet" : "csv");
            if (kind is not ("csv" or "parquet"))
            {
                throw new ArgumentsException($"--format '{kind}' is not csv or parquet");
            }
            OutputFile.Check(path);
            var store = await session.OpenStoreAsync(ct).ConfigureAwait(false);
            var records = new PredictionLogReader(store.Database, store.Objects).ReadAsync(Query(session.Parse), ct);
            // Written beside the destination and renamed: a reader never sees half an export, and a
            // failed one leaves the previous file as it was.
            var tmp = path + ".tmp";
            long n;
            try
            {
                await using (var stream = File.Create(tmp))
                {
                    n = kind == "parquet"
                        ? await PredictionExporter.WriteParquetAsync(records, stream, ct).ConfigureAwait(false)
                        : await PredictionExporter.WriteCsvAsync(records, stream, ct).ConfigureAwait(false);
                }
                File.Move(tmp, path, overwrite: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                File.Delete(tmp);
                throw new LockstepException($"cannot write '{path}': {e.Message}");
            }
            catch
            {
                // A damaged log block (a store error naming it) or a cancelled export: no half file is left behind.
                File.Delete(tmp);
                throw;
            }
            if (session.Json)
            {
                session.WriteJson(new JsonObject { ["output"] = Path.GetFullPath(path), ["format"] = kind, ["rows"] = n });
            }
            else
            {
                session.Out.WriteLine($"wrote {n:N0} predictions to {path} ({kind})");
            }
            return 0;
        });
        return command;
    }

    private static PredictionQuery Query(ParseResult p) => new(p.GetValue(Model), p.GetValue(Version), Time(p.GetValue(Since), "--since"), Time(p.GetValue(Until), "--until"));

    private static DateTimeOffset? Time(string? text, string option)
    {
        if (text is null)
        {
            return null;
        }
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t)
            ? t
            : throw new ArgumentsException($"{option} '{text}' is not a time; write e.g. 2026-11-24 or 2026-11-24T04:00:00Z");
    }

    private static JsonObject ToJson(PredictionRecord r) => new()
    {
        ["request_id"] = r.RequestId,
        ["row_index"] = r.RowIndex,
        ["at"] = r.At,
        ["model"] = r.Model,
        ["version"] = r.Version,
        ["bundle_hash"] = r.BundleHash,
        ["input"] = JsonNode.Parse(r.InputJson),
        ["output"] = JsonNode.Parse(r.OutputJson),
        ["findings"] = r.FindingsJson is null ? null : JsonNode.Parse(r.FindingsJson),
        ["latency_us"] = r.LatencyMicros,
        ["source"] = r.Source,
    };
}
