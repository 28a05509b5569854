using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Lockstep.Serving.Logging;
using Lockstep.Serving.Scoring;

namespace Lockstep.Serving.Batch;

/// <summary>
/// One worker of <see cref="BatchScorer"/>: scores a contiguous slice of a chunk's lines into its
/// own output text and log records. Everything it needs per row (cell list, row dictionary,
/// findings, JSON buffer and writer, output builder) is its own and reused, so rows cost no
/// locks and few allocations, and slices written in worker order keep the input order.
/// </summary>
internal sealed class BatchWorker(IScoringModel model, BatchContext context)
{
    private readonly List<string> _cells = new(32);
    private readonly Dictionary<string, object?> _row = new(32, StringComparer.Ordinal);
    private readonly List<FieldFinding> _findings = [];

    /// <summary>This slice's output lines, in order.</summary>
    public StringBuilder Output { get; } = new(1 << 16);

    public int Blocked { get; private set; }

    /// <summary>The first malformed line of the slice, if any (the slice stops there).</summary>
    public (int Line, string Message)? Error { get; private set; }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Score(IReadOnlyList<(int Number, string Text)> lines, int from, int to, long firstIndex)
    {
        Output.Clear();
        Logged.ResetWrittenCount();
        LoggedRows = 0;
        Blocked = 0;
        Error = null;
        var header = context.Header!;
        for (var i = from; i < to; i++)
        {
            var index = firstIndex + i;
            var t0 = Trace ? System.Diagnostics.Stopwatch.GetTimestamp() : 0;
            CsvLine.Split(lines[i].Text, _cells);
            if (_cells.Count != header.Length)
            {
                Error = (lines[i].Number, $"{context.InputPath} line {lines[i].Number}: {_cells.Count} cells, but the header has {header.Length} columns; fix the line or the quoting");
                return;
            }
            _row.Clear();
            for (var c = 0; c < header.Length; c++)
            {
                if (context.Dropped[c])
                {
                    continue;
                }
                var cell = _cells[c];
                _row[header[c]] = PredictionBlockFormat.CellValue(cell, context.Na);
            }
            if (Trace) { Ticks[0] += System.Diagnostics.Stopwatch.GetTimestamp() - t0; }
            ScoreRow((int)index, lines[i].Text);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ScoreRow(int index, string line)
    {
        long t = Trace ? System.Diagnostics.Stopwatch.GetTimestamp() : 0;
        _findings.Clear();
        model.Validate(_row, index, _findings);
        Lap(1, ref t);
        var findingsJson = _findings.Count == 0 ? null : ScoreJson.Findings(_findings, index);
        var blocked = _findings.Exists(f => f.Blocking);
        var output = Output;
        output.Append(CultureInfo.InvariantCulture, $"{index},");
        if (blocked)
        {
            Blocked++;
            if (!context.Options.FlagInvalid)
            {
                output.Append(",,,").Append(Quote(findingsJson!)).Append('\n');
                return;
            }
        }
        Lap(2, ref t);
        var score = model.Score(_row);
        Lap(3, ref t);
        output.Append(CultureInfo.InvariantCulture, $"{score.Score:R},{score.Probability:R},").Append(Quote(score.Label ?? "")).Append(',');
        if (findingsJson is not null)
        {
            output.Append(Quote(findingsJson));
        }
        output.Append('\n');
        Lap(4, ref t);
        PredictionBlockFormat.Row(Logged, index, line, score, findingsJson);
        LoggedRows++;
        Lap(5, ref t);
    }

    /// <summary>This slice's scored rows in the log's block encoding (<see cref="PredictionBlockFormat.Row"/>).</summary>
    public ArrayBufferWriter<byte> Logged { get; } = new(1 << 16);

    public int LoggedRows { get; private set; }

    public static readonly bool Trace = Environment.GetEnvironmentVariable("LOCKSTEP_TRACE_BATCH") == "1";

    /// <summary>Trace mode: ticks per phase (parse, validate, findings/out-prefix, model, csv, json).</summary>
    public long[] Ticks { get; } = new long[6];

    private void Lap(int phase, ref long t)
    {
        if (Trace)
        {
            var now = System.Diagnostics.Stopwatch.GetTimestamp();
            Ticks[phase] += now - t;
            t = now;
        }
    }

    private static string Quote(string cell) =>
        cell.AsSpan().IndexOfAny(",\"\r\n") < 0 ? cell : "\"" + cell.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
