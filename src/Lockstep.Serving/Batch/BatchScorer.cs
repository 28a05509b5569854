using System.Diagnostics;
using System.Text;
using Lockstep.Errors;
using Lockstep.Serving.Logging;
using Lockstep.Serving.Scoring;

namespace Lockstep.Serving.Batch;

/// <summary>
/// Scores a CSV file with the same validation, model and prediction log as the server; writes
/// <c>row,score,probability,label,findings</c> to the output CSV in input order. Streaming with
/// bounded memory: lines are read in chunks; each chunk is cut into one contiguous slice per core,
/// each slice parsed, validated and scored by its own <see cref="BatchWorker"/> (own engine, own
/// buffers), the slices written in order and the chunk handed to the log, whose commit (one
/// transaction per chunk) overlaps the next chunk's scoring.
/// </summary>
public sealed class BatchScorer(IScoringModel model, PredictionLog log, TimeProvider time)
{
    /// <summary>
    /// Rows per chunk (memory holds at most two chunks of rows and log records). Small enough that
    /// the log's commit of the last chunk, which nothing overlaps, is short.
    /// </summary>
    public const int ChunkRows = 2048;

    public async Task<BatchResult> ScoreAsync(string inputPath, string outputPath, BatchOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var started = Stopwatch.GetTimestamp();
        var runId = "batch-" + Guid.CreateVersion7().ToString("N");
        StreamReader input;
        try
        {
            input = new StreamReader(inputPath, Encoding.UTF8, true, new FileStreamOptions { BufferSize = 1 << 16, Options = FileOptions.SequentialScan });
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new LockstepException($"cannot read the input file {inputPath}: {e.Message}", e);
        }
        using var _ = input;
        var tmp = outputPath + ".tmp";
        long rows = 0, scored = 0, invalid = 0;
        long? firstRow = null;
        byte[]? header = null;
        var context = new BatchContext(options, time.GetUtcNow(), runId, inputPath);
        if (options.Columns is { } columns)
        {
            context.SetHeader([.. columns]);
        }
        var workers = Enumerable.Range(0, Environment.ProcessorCount).Select(_ => new BatchWorker(model, context)).ToArray();
        try
        {
            await using (var output = new FileStream(tmp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
            {
                output.Write("row,score,probability,label,findings\n"u8);
                var lineNumber = 0;
                var lines = new List<(int Number, string Text)>(ChunkRows);
                Task pendingLog = Task.CompletedTask;
                var parallel = new ParallelOptions { CancellationToken = cancellationToken, MaxDegreeOfParallelism = workers.Length };
                while (true)
                {
                    // Per-line reads and writes go through 64 KiB buffers synchronously: an await per
                    // line costs more than the line; the file handles are the async boundary.
                    lines.Clear();
                    while (lines.Count < ChunkRows && input.ReadLine() is { } text)
                    {
                        lineNumber++;
                        if (text.Length == 0 || (options.CommentPrefix is { } prefix && text.StartsWith(prefix, StringComparison.Ordinal)))
                        {
                            continue;
                        }
                        if (context.Header is null)
                        {
                            var cells = new List<string>();
                            CsvLine.Split(text, cells);
                            context.SetHeader([.. cells]);
                            continue;
                        }
                        firstRow ??= Stopwatch.GetTimestamp();
                        lines.Add((lineNumber, text));
                    }
                    if (lines.Count == 0)
                    {
                        break;
                    }
                    // Slices of at least 256 rows: a tiny chunk is not worth a second thread.
                    var slices = Math.Clamp(lines.Count / 256, 1, workers.Length);
                    var first = rows;
                    Parallel.For(0, slices, parallel, w => workers[w].Score(lines, lines.Count * w / slices, lines.Count * (w + 1) / slices, first));
                    if (workers.Take(slices).Where(w => w.Error is not null).Select(w => w.Error!.Value).OrderBy(e => e.Line).FirstOrDefault() is { Message: { } message })
                    {
                        throw new LockstepException(message);
                    }
                    for (var w = 0; w < slices; w++)
                    {
                        output.Write(workers[w].Output.WrittenSpan);
                        invalid += workers[w].Blocked;
                    }
                    rows += lines.Count;
                    var logged = workers.Take(slices).Sum(w => w.LoggedRows);
                    scored += logged;
                    // The chunk's scored rows go to the log as one block (one row of the log); the
                    // payload is copied out of the workers' buffers, which the next chunk reuses.
                    var block = logged == 0 ? null : new PredictionBlock(runId, (int)first, logged, context.At, model.Name, model.Version, model.BundleHash, "batch",
                        PredictionBlockFormat.Compose(header ??= PredictionBlockFormat.Header(context.Header!, context.Dropped, context.Na), logged,
                            workers.Take(slices).Select(w => w.Logged.WrittenMemory)));
                    // One chunk commits while the next is scored.
                    await pendingLog.ConfigureAwait(false);
                    pendingLog = block is not null ? log.AppendAsync(block) : Task.CompletedTask;
                }
                await pendingLog.ConfigureAwait(false);
            }
        }
        catch
        {
            // No half-written output is left behind under the temporary name.
            File.Delete(tmp);
            throw;
        }
        File.Move(tmp, outputPath, overwrite: true);
        if (BatchWorker.Trace)
        {
            string[] names = ["parse", "validate", "findings", "model", "csv", "block"];
            Console.Error.WriteLine(string.Join(" ", names.Select((n, i) => $"{n}={workers.Sum(w => w.Ticks[i]) * 1000.0 / Stopwatch.Frequency:0.0}ms"))
                + $" log-insert={PredictionLog.TraceInsertTicks * 1000.0 / Stopwatch.Frequency:0.0}ms log-commit={PredictionLog.TraceCommitTicks * 1000.0 / Stopwatch.Frequency:0.0}ms typed-rows={workers.Sum(w => w.TypedRows)}");
        }
        var end = Stopwatch.GetTimestamp();
        return new BatchResult(runId, rows, scored, invalid, Stopwatch.GetElapsedTime(started, end), Stopwatch.GetElapsedTime(firstRow ?? end, end));
    }
}
