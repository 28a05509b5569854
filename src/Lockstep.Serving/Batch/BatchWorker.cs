using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Lockstep.ML.Features;
using Lockstep.Serving.Logging;
using Lockstep.Serving.Scoring;

namespace Lockstep.Serving.Batch;

/// <summary>
/// One worker of <see cref="BatchScorer"/>: scores a contiguous slice of a chunk's lines into its
/// own output text and log block rows. Everything it needs per row is its own and reused, so rows
/// cost no locks and few allocations, and slices written in worker order keep the input order.
/// Two paths give the same result. The typed path (a bundle model, a line without quotes) cuts
/// the line into <see cref="ParsedCell"/>s without strings, checks them with
/// <see cref="CleanCellsCheck"/> and encodes them with the bundle's <see cref="RowEncoder"/> into
/// the slice's feature matrix, which this worker's own scorer scores in one call
/// (<see cref="ML.Bundles.ModelScorer.PredictBlock"/>). Any row it is not sure of (quoted cells, a row that is
/// not clean, a cell whose encoding it does not do) takes the dictionary path: cells as strings,
/// the row dictionary, the full validator with its findings and messages, and the model's
/// <see cref="IScoringModel.Score"/> — the path every row took before.
/// </summary>
internal sealed class BatchWorker(IScoringModel model, BatchContext context)
{
    public static readonly bool Trace = Environment.GetEnvironmentVariable("LOCKSTEP_TRACE_BATCH") == "1";

    private readonly List<string> _cells = new(32);
    private readonly Dictionary<string, object?> _row = new(32, StringComparer.Ordinal);
    private readonly List<FieldFinding> _findings = [];
    private ParsedCell[] _parsed = [];
    private int[] _typedRow = [];
    private float[] _matrix = [];
    private ML.Bundles.Prediction[] _predictions = [];
    private TypedPath? _typed;
    private bool _typedChecked;

    /// <summary>This slice's output lines, in order, as UTF-8.</summary>
    public ArrayBufferWriter<byte> Output { get; } = new(1 << 16);

    /// <summary>This slice's scored rows in the log's block encoding (<see cref="PredictionBlockFormat.Row"/>).</summary>
    public ArrayBufferWriter<byte> Logged { get; } = new(1 << 16);

    public int LoggedRows { get; private set; }

    public int Blocked { get; private set; }

    /// <summary>Rows of this run that took the typed path (the rest took the dictionary path).</summary>
    public long TypedRows { get; private set; }

    /// <summary>The first malformed line of the slice, if any (the slice stops there).</summary>
    public (int Line, string Message)? Error { get; private set; }

    /// <summary>Trace mode (LOCKSTEP_TRACE_BATCH=1): ticks per phase, see <see cref="BatchScorer"/>.</summary>
    public long[] Ticks { get; } = new long[6];

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Score(IReadOnlyList<(int Number, string Text)> lines, int from, int to, long firstIndex)
    {
        Output.ResetWrittenCount();
        Logged.ResetWrittenCount();
        LoggedRows = 0;
        Blocked = 0;
        Error = null;
        var header = context.Header!;
        var typed = Typed(header);
        var count = to - from;
        if (_typedRow.Length < count)
        {
            _typedRow = new int[count];
        }
        // Pass 1: rows the typed path is sure of are encoded into the slice's feature matrix.
        var block = 0;
        long t = Trace ? Stopwatch.GetTimestamp() : 0;
        for (var i = from; i < to; i++)
        {
            _typedRow[i - from] = -1;
            if (typed is null)
            {
                continue;
            }
            var line = lines[i].Text;
            if (Split(line, header.Length) && typed.Clean.IsClean(line, _parsed))
            {
                var width = typed.Width;
                if (_matrix.Length < (block + 1) * width)
                {
                    Array.Resize(ref _matrix, Math.Max((block + 1) * width, _matrix.Length * 2));
                }
                if (typed.Encoder.TryEncode(line, _parsed, _matrix.AsSpan(block * width, width)))
                {
                    _typedRow[i - from] = block++;
                }
            }
        }
        Lap(0, ref t);
        // Pass 2: the model scores them all at once.
        if (block > 0)
        {
            if (_predictions.Length < block)
            {
                _predictions = new ML.Bundles.Prediction[Math.Max(block, _predictions.Length * 2)];
            }
            typed!.Scorer.PredictBlock(_matrix, block, _predictions);
            TypedRows += block;
        }
        Lap(3, ref t);
        // Pass 3: every row in order; the others take the dictionary path.
        for (var i = from; i < to; i++)
        {
            var index = (int)(firstIndex + i);
            var line = lines[i].Text;
            if (_typedRow[i - from] is var k and >= 0)
            {
                var p = _predictions[k];
                Scored(index, line, new ModelScore(p.Score, p.Probability, p.Label), null, ref t);
                continue;
            }
            CsvLine.Split(line, _cells);
            if (_cells.Count != header.Length)
            {
                Error = (lines[i].Number, $"{context.InputPath} line {lines[i].Number}: {_cells.Count} cells, but the header has {header.Length} columns; fix the line or the quoting");
                return;
            }
            _row.Clear();
            for (var c = 0; c < header.Length; c++)
            {
                if (!context.Dropped[c])
                {
                    _row[header[c]] = PredictionBlockFormat.CellValue(_cells[c], context.Na);
                }
            }
            Lap(0, ref t);
            ScoreRow(index, line, ref t);
        }
    }

    /// <summary>The typed path for this header, or null when the model is not a bundle.</summary>
    private TypedPath? Typed(string[] header)
    {
        if (!_typedChecked)
        {
            _typedChecked = true;
            if (model is BundleScoringModel bundle && context.TypedPath)
            {
                var columns = header.Select((h, c) => context.Dropped[c] ? null : h).ToArray();
                var encoder = bundle.Model.Transformer.CreateRowEncoder(columns);
                if (encoder.CoversEveryEncoder)
                {
                    _typed = new TypedPath(new CleanCellsCheck(bundle.Model.Bundle.Expectations, columns), encoder, bundle.Model.CreateScorer(), bundle.Model.Transformer.Width);
                    _parsed = new ParsedCell[header.Length];
                }
            }
        }
        return _typed;
    }

    /// <summary>
    /// Cuts an unquoted line into typed cells with <see cref="CsvLine.Split"/>'s trimming and the
    /// run's reading of a cell (<see cref="PredictionBlockFormat.CellValue"/>); false for a line
    /// with a quote or the wrong number of cells (the dictionary path handles and reports those).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool Split(string line, int expected)
    {
        if (line.Contains('"', StringComparison.Ordinal))
        {
            return false;
        }
        var na = context.NaSpans;
        var i = 0;
        var n = 0;
        while (true)
        {
            while (i < line.Length && line[i] == ' ')
            {
                i++;
            }
            var comma = line.IndexOf(',', i);
            var end = comma < 0 ? line.Length : comma;
            var text = line.AsSpan(i, end - i).TrimEnd();
            if (n == expected)
            {
                return false;
            }
            _parsed[n++] = na.Contains(text) ? new ParsedCell(CellKind.Missing, 0, i, text.Length)
                : CellNumber.TryParse(text, out var d) ? new ParsedCell(CellKind.Number, d, i, text.Length)
                : new ParsedCell(CellKind.Text, 0, i, text.Length);
            if (comma < 0)
            {
                return n == expected;
            }
            i = comma + 1;
        }
    }

    private void ScoreRow(int index, string line, ref long t)
    {
        _findings.Clear();
        model.Validate(_row, index, _findings);
        Lap(1, ref t);
        var findingsJson = _findings.Count == 0 ? null : ScoreJson.Findings(_findings, index);
        if (_findings.Exists(f => f.Blocking))
        {
            Blocked++;
            if (!context.Options.FlagInvalid)
            {
                Number(index);
                Text(",,,,");
                Text(Quote(findingsJson!));
                Text("\n");
                return;
            }
        }
        Lap(2, ref t);
        var score = model.Score(_row);
        Lap(3, ref t);
        Scored(index, line, score, findingsJson, ref t);
    }

    /// <summary>A scored row: its output line, and its entry in the chunk's log block.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Scored(int index, string line, ModelScore score, string? findingsJson, ref long t)
    {
        // row,score,probability,label,findings with the numbers in round-trip form ("R"), as UTF-8
        // straight into the slice's buffer.
        Number(index);
        Text(",");
        Number(score.Score);
        Text(",");
        if (score.Probability is { } probability)
        {
            Number(probability);
        }
        Text(",");
        Text(Quote(score.Label ?? ""));
        Text(",");
        if (findingsJson is not null)
        {
            Text(Quote(findingsJson));
        }
        Text("\n");
        Lap(4, ref t);
        PredictionBlockFormat.Row(Logged, index, line, score, findingsJson);
        LoggedRows++;
        Lap(5, ref t);
    }

    // Not one generic method: its instantiations are not precompiled, and first-tier code would
    // format every number of a short run.
    private void Number(int value)
    {
        value.TryFormat(Output.GetSpan(16), out var n, default, CultureInfo.InvariantCulture);
        Output.Advance(n);
    }

    private void Number(double value)
    {
        // "R": the same text as before (double.ToString("R")), at most 24 UTF-8 bytes.
        value.TryFormat(Output.GetSpan(32), out var n, "R", CultureInfo.InvariantCulture);
        Output.Advance(n);
    }

    private void Text(string text)
    {
        var span = Output.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length));
        Output.Advance(Encoding.UTF8.GetBytes(text, span));
    }

    private void Lap(int phase, ref long t)
    {
        if (Trace)
        {
            var now = Stopwatch.GetTimestamp();
            Ticks[phase] += now - t;
            t = now;
        }
    }

    private static string Quote(string cell) =>
        cell.AsSpan().IndexOfAny(",\"\r\n") < 0 ? cell : "\"" + cell.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private sealed record TypedPath(CleanCellsCheck Clean, RowEncoder Encoder, ML.Bundles.ModelScorer Scorer, int Width);
}
