using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Lockstep.Errors;
using Lockstep.Serving.Logging;
using Lockstep.Serving.Scoring;

namespace Lockstep.Serving.Batch;

/// <summary>
/// Scores a CSV file row by row (bounded memory: one line, one log chunk in flight) with the
/// same validation, model and prediction log as the server; writes
/// <c>row,score,probability,label,findings</c> to the output CSV.
/// </summary>
public sealed class BatchScorer(IScoringModel model, PredictionLog log, TimeProvider time)
{
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
        var at = time.GetUtcNow();
        await using (var output = new StreamWriter(tmp, false, new UTF8Encoding(false), 1 << 16))
        {
            await output.WriteLineAsync("row,score,probability,label,findings").ConfigureAwait(false);
            var cells = new List<string>(32);
            var lineNumber = 0;
            string[]? header = options.Columns?.ToArray();
            var drop = new HashSet<string>(options.Drop, StringComparer.Ordinal);
            var na = new HashSet<string>(options.NaValues, StringComparer.Ordinal) { "" };
            var chunk = new List<PredictionRecord>(options.LogChunk);
            Task pendingLog = Task.CompletedTask;
            var findings = new List<FieldFinding>();
            var scratch = new ArrayBufferWriter<byte>(512);
            var line = new StringBuilder(256);
            using var json = new Utf8JsonWriter(scratch);
            // Per-line reads and writes go through 64 KiB buffers synchronously: an await per line
            // costs more than the line; the file handles themselves are the async boundary.
            while (input.ReadLine() is { } text)
            {
                cancellationToken.ThrowIfCancellationRequested();
                lineNumber++;
                if (text.Length == 0 || (options.CommentPrefix is { } prefix && text.StartsWith(prefix, StringComparison.Ordinal)))
                {
                    continue;
                }
                CsvLine.Split(text, cells);
                if (header is null)
                {
                    header = cells.ToArray();
                    continue;
                }
                if (cells.Count != header.Length)
                {
                    throw new LockstepException($"{inputPath} line {lineNumber}: {cells.Count} cells, but the header has {header.Length} columns; fix the line or the quoting");
                }
                var row = new Dictionary<string, object?>(header.Length, StringComparer.Ordinal);
                for (var c = 0; c < header.Length; c++)
                {
                    if (drop.Contains(header[c]))
                    {
                        continue;
                    }
                    var cell = cells[c];
                    row[header[c]] = na.Contains(cell) ? null
                        : double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : cell;
                }
                var index = (int)rows;
                rows++;
                findings.Clear();
                model.Validate(row, index, findings);
                string? findingsJson = findings.Count == 0 ? null : ScoreJson.Findings(findings, index);
                var blocked = findings.Exists(f => f.Blocking);
                if (blocked)
                {
                    invalid++;
                }
                line.Clear();
                line.Append(index.ToString(CultureInfo.InvariantCulture)).Append(',');
                if (blocked && !options.FlagInvalid)
                {
                    line.Append(",,,").Append(Quote(findingsJson!));
                    output.WriteLine(line);
                    continue;
                }
                var score = model.Score(row);
                scored++;
                line.Append(score.Score.ToString("R", CultureInfo.InvariantCulture)).Append(',')
                    .Append(score.Probability?.ToString("R", CultureInfo.InvariantCulture)).Append(',')
                    .Append(Quote(score.Label ?? "")).Append(',');
                if (findingsJson is not null)
                {
                    line.Append(Quote(findingsJson));
                }
                output.WriteLine(line);
                chunk.Add(new PredictionRecord(runId, index, at, model.Name, model.Version, model.BundleHash, RowJson(row, scratch, json),
                    ScoreJson.Output(score, scratch), findingsJson, 0, "batch"));
                if (chunk.Count == options.LogChunk)
                {
                    // One chunk commits while the next is scored; memory stays at two chunks.
                    await pendingLog.ConfigureAwait(false);
                    pendingLog = log.AppendAsync(chunk);
                    chunk = new List<PredictionRecord>(options.LogChunk);
                }
            }
            await pendingLog.ConfigureAwait(false);
            if (chunk.Count > 0)
            {
                await log.AppendAsync(chunk).ConfigureAwait(false);
            }
        }
        File.Move(tmp, outputPath, overwrite: true);
        return new BatchResult(runId, rows, scored, invalid, Stopwatch.GetElapsedTime(started));
    }

    private static string RowJson(Dictionary<string, object?> row, ArrayBufferWriter<byte> scratch, Utf8JsonWriter writer)
    {
        scratch.ResetWrittenCount();
        writer.Reset(scratch);
        {
            writer.WriteStartObject();
            foreach (var (key, value) in row)
            {
                switch (value)
                {
                    case null: writer.WriteNull(key); break;
                    case double d: writer.WriteNumber(key, d); break;
                    case string s: writer.WriteString(key, s); break;
                    default: writer.WriteString(key, Convert.ToString(value, CultureInfo.InvariantCulture)); break;
                }
            }
            writer.WriteEndObject();
            writer.Flush();
        }
        return Encoding.UTF8.GetString(scratch.WrittenSpan);
    }

    private static string Quote(string cell) =>
        cell.AsSpan().IndexOfAny(",\"\r\n") < 0 ? cell : "\"" + cell.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
