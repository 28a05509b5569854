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
/// Scores a CSV file with the same validation, model and prediction log as the server; writes
/// <c>row,score,probability,label,findings</c> to the output CSV in input order. Streaming with
/// bounded memory: lines are read in chunks, each chunk is parsed, validated and scored in
/// parallel (the model is thread-safe), then written and handed to the log, whose commit overlaps
/// the next chunk's scoring.
/// </summary>
public sealed class BatchScorer(IScoringModel model, PredictionLog log, TimeProvider time)
{
    /// <summary>Rows per parallel chunk (memory holds at most two chunks of rows and log records).</summary>
    public const int ChunkRows = 4096;

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
        var context = new RowContext(options, time.GetUtcNow(), runId);
        await using (var output = new StreamWriter(tmp, false, new UTF8Encoding(false), 1 << 16))
        {
            await output.WriteLineAsync("row,score,probability,label,findings").ConfigureAwait(false);
            var lineNumber = 0;
            var lines = new List<(int Number, string Text)>(ChunkRows);
            Task pendingLog = Task.CompletedTask;
            var parallel = new ParallelOptions { CancellationToken = cancellationToken, MaxDegreeOfParallelism = Environment.ProcessorCount };
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
                        context.Header = [.. cells];
                        continue;
                    }
                    lines.Add((lineNumber, text));
                }
                if (lines.Count == 0)
                {
                    break;
                }
                var results = new RowResult[lines.Count];
                var first = rows;
                try
                {
                    Parallel.For(0, lines.Count, parallel, i => results[i] = ScoreLine(lines[i].Text, lines[i].Number, (int)(first + i), inputPath, context));
                }
                catch (AggregateException e) when (e.InnerExceptions.FirstOrDefault(x => x is LockstepException) is LockstepException inner)
                {
                    throw inner;
                }
                var records = new List<PredictionRecord>(results.Length);
                foreach (var r in results)
                {
                    output.WriteLine(r.Line);
                    rows++;
                    if (r.Blocked)
                    {
                        invalid++;
                    }
                    if (r.Record is { } record)
                    {
                        scored++;
                        records.Add(record);
                    }
                }
                // One chunk commits while the next is scored.
                await pendingLog.ConfigureAwait(false);
                pendingLog = records.Count > 0 ? log.AppendAsync(records) : Task.CompletedTask;
            }
            await pendingLog.ConfigureAwait(false);
        }
        File.Move(tmp, outputPath, overwrite: true);
        return new BatchResult(runId, rows, scored, invalid, Stopwatch.GetElapsedTime(started));
    }

    private RowResult ScoreLine(string text, int lineNumber, int index, string inputPath, RowContext context)
    {
        var header = context.Header!;
        var cells = new List<string>(header.Length);
        CsvLine.Split(text, cells);
        if (cells.Count != header.Length)
        {
            throw new LockstepException($"{inputPath} line {lineNumber}: {cells.Count} cells, but the header has {header.Length} columns; fix the line or the quoting");
        }
        var row = new Dictionary<string, object?>(header.Length, StringComparer.Ordinal);
        for (var c = 0; c < header.Length; c++)
        {
            if (context.Drop.Contains(header[c]))
            {
                continue;
            }
            var cell = cells[c];
            row[header[c]] = context.Na.Contains(cell) ? null
                : double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : cell;
        }
        var findings = new List<FieldFinding>();
        model.Validate(row, index, findings);
        var findingsJson = findings.Count == 0 ? null : ScoreJson.Findings(findings, index);
        var blocked = findings.Exists(f => f.Blocking);
        var line = new StringBuilder(96).Append(index.ToString(CultureInfo.InvariantCulture)).Append(',');
        if (blocked && !context.Options.FlagInvalid)
        {
            return new RowResult(line.Append(",,,").Append(Quote(findingsJson!)).ToString(), true, null);
        }
        var score = model.Score(row);
        line.Append(score.Score.ToString("R", CultureInfo.InvariantCulture)).Append(',')
            .Append(score.Probability?.ToString("R", CultureInfo.InvariantCulture)).Append(',')
            .Append(Quote(score.Label ?? "")).Append(',');
        if (findingsJson is not null)
        {
            line.Append(Quote(findingsJson));
        }
        var scratch = new ArrayBufferWriter<byte>(512);
        var record = new PredictionRecord(context.RunId, index, context.At, model.Name, model.Version, model.BundleHash,
            RowJson(row, scratch), ScoreJson.Output(score, scratch), findingsJson, 0, "batch");
        return new RowResult(line.ToString(), blocked, record);
    }

    private static string RowJson(Dictionary<string, object?> row, ArrayBufferWriter<byte> scratch)
    {
        scratch.ResetWrittenCount();
        using (var writer = new Utf8JsonWriter(scratch, Lockstep.Serving.Http.JsonOutput.Options))
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
        }
        return Encoding.UTF8.GetString(scratch.WrittenSpan);
    }

    private static string Quote(string cell) =>
        cell.AsSpan().IndexOfAny(",\"\r\n") < 0 ? cell : "\"" + cell.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private readonly record struct RowResult(string Line, bool Blocked, PredictionRecord? Record);

    private sealed class RowContext(BatchOptions options, DateTimeOffset at, string runId)
    {
        public BatchOptions Options { get; } = options;

        public DateTimeOffset At { get; } = at;

        public string RunId { get; } = runId;

        public string[]? Header { get; set; } = options.Columns?.ToArray();

        public HashSet<string> Drop { get; } = new(options.Drop, StringComparer.Ordinal);

        public HashSet<string> Na { get; } = new(options.NaValues, StringComparer.Ordinal) { "" };
    }
}
