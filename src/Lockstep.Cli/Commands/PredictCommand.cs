using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Lockstep.ML.Bundles;
using Lockstep.Serving.Batch;
using Lockstep.Serving.Logging;
using Lockstep.Serving.Scoring;

namespace Lockstep.Cli.Commands;

/// <summary><c>lockstep predict MODEL --input FILE --output FILE</c>: batch scoring with the server's validation and logging.</summary>
internal static class PredictCommand
{
    public static Command Create()
    {
        var target = new Argument<string>("MODEL") { Description = "NAME@ALIAS, NAME@VERSION or a bundle file (.lsb)" };
        var input = new Option<string>("--input", "-i") { Description = "CSV file to score, or a gzip of one (first line: column names, unless --columns)", Required = true };
        var output = new Option<string>("--output", "-o") { Description = "CSV to write: row,score,probability,label,findings", Required = true };
        var columns = new Option<string?>("--columns") { Description = "Comma-separated column names for a file without a header line" };
        var na = new Option<string[]>("--na") { Description = "Cell values meaning missing (besides the empty cell)", DefaultValueFactory = _ => ["?"], AllowMultipleArgumentsPerToken = true };
        var drop = new Option<string[]>("--drop") { Description = "Columns in the file that are not model inputs (e.g. the label)", AllowMultipleArgumentsPerToken = true };
        var flag = new Option<bool>("--flag-invalid") { Description = "Score rows that fail validation anyway and mark them (default: leave them unscored, with their findings)" };
        var name = new Option<string?>("--name") { Description = "Model name for a bundle file (default: the file name)" };
        var command = new Command("predict", "Score a file in batch, streaming, with the same validation, preprocessing and prediction log as 'serve'");
        command.Arguments.Add(target);
        foreach (var o in new Option[] { input, output, columns, na, drop, flag, name })
        {
            command.Options.Add(o);
        }
        LockstepCli.SetAction(command, async (session, ct) =>
        {
            var p = session.Parse;
            OutputFile.Check(p.GetValue(output)!);
            var store = await session.OpenStoreAsync(ct, create: true).ConfigureAwait(false);
            Lockstep.Diagnostics.PhaseTrace.Mark("predict: store opened");
            var modelArg = p.GetValue(target)!;
            var loading = System.Diagnostics.Stopwatch.GetTimestamp();
            var load = new BundleLoadOptions();
            var source = ModelTarget.IsFile(modelArg) ? ModelTarget.FromFile(modelArg, p.GetValue(name), load) : ModelTarget.FromRegistry(modelArg, store, load);
            var model = await source.LoadAsync(await source.ResolveAsync(ct).ConfigureAwait(false), ct).ConfigureAwait(false);
            var loadSeconds = System.Diagnostics.Stopwatch.GetElapsedTime(loading).TotalSeconds;
            var options = new BatchOptions
            {
                Columns = p.GetValue(columns)?.Split(',', StringSplitOptions.TrimEntries),
                NaValues = p.GetValue(na) ?? ["?"],
                Drop = p.GetValue(drop) ?? [],
                FlagInvalid = p.GetValue(flag),
            };
            BatchResult result;
            // Shared, as a run holds it: gc (exclusive) cannot remove the input object the run
            // stores before the log's blocks that refer to it are committed.
            await using (await store.AcquireLockAsync("store", shared: true, ct).ConfigureAwait(false))
            await using (var log = PredictionLog.Open(store.Database.Path))
            {
                result = await new BatchScorer(model, log, TimeProvider.System) { Inputs = store.Objects }.ScoreAsync(p.GetValue(input)!, p.GetValue(output)!, options, ct).ConfigureAwait(false);
            }
            Lockstep.Diagnostics.PhaseTrace.Mark("predict: file scored, log committed");
            // Since the process started: runtime start-up, JIT, store open, bundle load and scoring.
            var commandSeconds = (DateTime.UtcNow - System.Diagnostics.Process.GetCurrentProcess().StartTime.ToUniversalTime()).TotalSeconds;
            if (session.Json)
            {
                session.WriteJson(new JsonObject
                {
                    ["request_id"] = result.RunId, ["model"] = model.Name, ["version"] = model.Version, ["rows"] = result.Rows,
                    ["scored"] = result.Scored, ["invalid"] = result.Invalid, ["seconds"] = result.Elapsed.TotalSeconds, ["rows_per_second"] = result.RowsPerSecond,
                    ["phases"] = new JsonObject
                    {
                        ["command_seconds"] = commandSeconds,
                        ["load_seconds"] = loadSeconds,
                        ["scoring_seconds"] = result.Scoring.TotalSeconds,
                    },
                    ["command_rows_per_second"] = commandSeconds > 0 ? result.Rows / commandSeconds : 0,
                    ["scoring_rows_per_second"] = result.ScoringRowsPerSecond,
                });
            }
            else
            {
                session.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"scored {result.Scored:N0} of {result.Rows:N0} rows with {model.Name} version {model.Version} in {result.Elapsed.TotalSeconds:0.00}s ({result.RowsPerSecond:N0} rows/s) → {p.GetValue(output)}"));
                if (result.Invalid > 0)
                {
                    session.Out.WriteLine($"{result.Invalid:N0} rows failed validation{(options.FlagInvalid ? " (scored and marked)" : " and were not scored")}: see the findings column");
                }
                session.Out.WriteLine($"logged as request {result.RunId} ('lockstep predictions list --model {model.Name}')");
            }
            return result.Invalid > 0 && !options.FlagInvalid ? 1 : 0;
        });
        return command;
    }
}
