using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
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
internal sealed class BatchWorker(IScoringModel model, BatchContext context) : IDisposable
{
    /// <summary>Rows encoded and scored together: 128 × the feature width fits the small-object heap for up to 165 features.</summary>
    private const int SubBlockRows = 128;

    public static readonly bool Trace = Environment.GetEnvironmentVariable("LOCKSTEP_TRACE_BATCH") == "1";

    /// <summary>Trace mode: what happened when, on which thread (printed at the end of the run).</summary>
    public static readonly System.Collections.Concurrent.ConcurrentQueue<(long At, int Thread, string What)> Timeline = new();

    public static void Mark(string what)
    {
        if (Trace)
        {
            Timeline.Enqueue((Stopwatch.GetTimestamp(), Environment.CurrentManagedThreadId, what));
        }
    }

    private readonly List<string> _cells = new(32);
    private readonly Dictionary<string, object?> _row = new(32, StringComparer.Ordinal);
    private readonly List<FieldFinding> _findings = [];
    private ParsedCell[] _parsed = [];
    private int[] _typedRow = [];
    private float[] _matrix = [];
    private ML.Bundles.Prediction[] _predictions = [];
    private TypedPath? _typed;
    private readonly Dictionary<string, byte[]> _labelCells = new(StringComparer.Ordinal);
    private string? _label;
    private byte[] _labelCell = [];
    private bool _typedChecked;

    // Format 3 (the run's input stored by reference): the slice's chunk, for each line's place in
    // the file, and the deltas from one log entry to the next (reset per slice: one part each).
    private LineChunk? _lines;
    private long _firstIndex;
    private int _previousIndex;
    private long _previousEnd;

    /// <summary>This slice's output lines, in order, as UTF-8.</summary>
    public NativeBufferWriter Output { get; } = new(1 << 16);

    /// <summary>This slice's scored rows in the log's block encoding (<see cref="PredictionBlockFormat.Row"/>).</summary>
    public NativeBufferWriter Logged { get; } = new(1 << 16);

    /// <summary>
    /// <see cref="Logged"/> compressed as one part of a format 2 block
    /// (<see cref="PredictionBlockFormat.CompressPart"/>), when the run compresses its log.
    /// </summary>
    public NativeBufferWriter Compressed { get; } = new(1 << 14);

    public int LoggedRows { get; private set; }

    public int Blocked { get; private set; }

    /// <summary>Rows of this run that took the typed path (the rest took the dictionary path).</summary>
    public long TypedRows { get; private set; }

    /// <summary>The first malformed line of the slice, if any (the slice stops there).</summary>
    public (int Line, string Message)? Error { get; private set; }

    /// <summary>Trace mode (LOCKSTEP_TRACE_BATCH=1): ticks per phase, see <see cref="BatchScorer"/>.</summary>
    public long[] Ticks { get; } = new long[7];

    // Not AggressiveOptimization: it keeps a method out of the ReadyToRun image, so every process
    // would JIT it at first call (on a short batch run's critical path); the precompiled code does as well.
    public void Score(LineChunk lines, int from, int to, long firstIndex)
    {
        long[] ticks0 = [];
        if (Trace)
        {
            Mark($"score {firstIndex + from}..{firstIndex + to} start");
            ticks0 = (long[])Ticks.Clone();
        }
        Output.ResetWrittenCount();
        Logged.ResetWrittenCount();
        Compressed.ResetWrittenCount();
        // Room for the slice up front (a scored row's output line is at most 64 bytes with no
        // findings, its log entry its line plus 41): one resize at most instead of a doubling
        // series of copies.
        var chars = 0L;
        for (var i = from; i < to; i++)
        {
            chars += lines[i].Length;
        }
        Output.GetSpan((int)Math.Min((to - from) * 64L, 1 << 24));
        Logged.GetSpan((int)Math.Min(chars + ((to - from) * 48L), 1 << 26));
        LoggedRows = 0;
        _lines = lines;
        _firstIndex = firstIndex;
        _previousIndex = -1;
        _previousEnd = 0;
        Blocked = 0;
        Error = null;
        var header = context.Header!;
        var typed = Typed(header);
        long t = Trace ? Stopwatch.GetTimestamp() : 0;
        for (var at = from; at < to; at += SubBlockRows)
        {
            if (!ScoreRows(lines, at, Math.Min(at + SubBlockRows, to), firstIndex, header, typed, ref t))
            {
                return;
            }
        }
        if (context.CompressParts)
        {
            // Here, on the worker, in parallel with the other slices: the log's thread then
            // inserts a few times fewer bytes.
            PredictionBlockFormat.CompressPart(Logged.WrittenSpan, Compressed);
            Lap(6, ref t);
        }
        if (Trace)
        {
            Mark($"score {firstIndex + from}..{firstIndex + to} end: {TraceTicks(Ticks, ticks0)}");
        }
    }

    /// <summary>
    /// Scores lines [from, to) of one sub-block: a feature matrix this small stays in the
    /// small-object heap and in the core's cache (a whole slice's matrix, ~1 MB for adult, was a
    /// large-object allocation per worker that set off full garbage collections in a short run).
    /// False when a malformed line stopped the slice (<see cref="Error"/>).
    /// </summary>
    private bool ScoreRows(LineChunk lines, int from, int to, long firstIndex, string[] header, TypedPath? typed, ref long t)
    {
        var count = to - from;
        if (_typedRow.Length < count)
        {
            _typedRow = new int[count];
        }
        // Pass 1: rows the typed path is sure of are encoded into the feature matrix.
        var block = 0;
        for (var i = from; i < to; i++)
        {
            _typedRow[i - from] = -1;
            if (typed is null)
            {
                continue;
            }
            var line = lines[i];
            if (Split(line, header.Length) && typed.Clean.IsClean(line, _parsed))
            {
                var width = typed.Width;
                if (_matrix.Length < SubBlockRows * width)
                {
                    _matrix = new float[SubBlockRows * width];
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
            if (_predictions.Length < SubBlockRows)
            {
                _predictions = new ML.Bundles.Prediction[SubBlockRows];
            }
            typed!.Scorer.PredictBlock(_matrix, block, _predictions);
            TypedRows += block;
        }
        Lap(3, ref t);
        // Pass 3: every row in order; the others take the dictionary path.
        for (var i = from; i < to; i++)
        {
            var index = (int)(firstIndex + i);
            var line = lines[i];
            if (_typedRow[i - from] is var k and >= 0)
            {
                var p = _predictions[k];
                Scored(index, line, new ModelScore(p.Score, p.Probability, p.Label), null, ref t);
                continue;
            }
            CsvLine.Split(line.ToString(), _cells);
            if (_cells.Count != header.Length)
            {
                Error = (lines.Number(i), $"{context.InputPath} line {lines.Number(i)}: {_cells.Count} cells, but the header has {header.Length} columns; fix the line or the quoting");
                return false;
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
        return true;
    }

    /// <summary>
    /// Builds this worker's typed path for the run's header (see <see cref="Typed"/>) ahead of its
    /// first slice: <see cref="BatchScorer"/> does it while the first chunk is read, when the
    /// columns are known before the file is. Not concurrently with <see cref="Score"/>.
    /// </summary>
    public void Prepare() => Typed(context.Header!);

    /// <summary>The typed path for this header, or null when the model is not a bundle.</summary>
    private TypedPath? Typed(string[] header)
    {
        if (!_typedChecked)
        {
            _typedChecked = true;
            if (model is BundleScoringModel bundle && context.TypedPath)
            {
                // The check and the encoder are thread-safe and the same for every worker of the
                // run: built once; each worker has its own scorer (buffers) and cells.
                (CleanCellsCheck Clean, RowEncoder Encoder) shared;
                lock (context)
                {
                    if (context.TypedShared is null)
                    {
                        var columns = new string?[header.Length];
                        for (var c = 0; c < header.Length; c++)
                        {
                            columns[c] = context.Dropped[c] ? null : header[c];
                        }
                        // The encoder takes a category cell's position in its allowed list from the
                        // check, which looked it up already: one hash per category cell, not two.
                        var clean = new CleanCellsCheck(bundle.Model.Bundle.Expectations, columns);
                        context.TypedShared = (clean, bundle.Model.Transformer.CreateRowEncoder(columns, clean.CategoryLists));
                    }
                    shared = context.TypedShared.Value;
                }
                if (shared.Encoder.CoversEveryEncoder)
                {
                    _typed = new TypedPath(shared.Clean, shared.Encoder, bundle.Model.CreateScorer(), bundle.Model.Transformer.Width);
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
    /// The commas and quotes are found 32 characters at a time (one compare each, a bit per
    /// character): a vectorized search per cell (IndexOf) cost a call and its set-up for a cell of
    /// a few characters, and the quote check was a second pass over the line.
    /// </summary>
    // Not AggressiveOptimization: it keeps a method out of the ReadyToRun image, so every process
    // would JIT it at first call (on a short batch run's critical path); the precompiled code does as well.
    private bool Split(ReadOnlySpan<char> line, int expected)
    {
        var n = 0;
        var start = 0;
        var at = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref var chars = ref Unsafe.As<char, ushort>(ref MemoryMarshal.GetReference(line));
            var comma = Vector256.Create((ushort)',');
            var quote = Vector256.Create((ushort)'"');
            for (; at + 32 <= line.Length; at += 32)
            {
                var low = Vector256.LoadUnsafe(ref chars, (nuint)at);
                var high = Vector256.LoadUnsafe(ref chars, (nuint)(at + 16));
                if ((Vector256.Equals(low, quote) | Vector256.Equals(high, quote)) != Vector256<ushort>.Zero)
                {
                    return false;
                }
                var commas = Vector256.Equals(low, comma).ExtractMostSignificantBits() | (Vector256.Equals(high, comma).ExtractMostSignificantBits() << 16);
                while (commas != 0)
                {
                    if (n == expected)
                    {
                        return false;
                    }
                    var end = at + BitOperations.TrailingZeroCount(commas);
                    Cell(line, start, end, n++);
                    start = end + 1;
                    commas &= commas - 1;
                }
            }
        }
        for (; at < line.Length; at++)
        {
            var c = line[at];
            if (c == '"')
            {
                return false;
            }
            if (c == ',')
            {
                if (n == expected)
                {
                    return false;
                }
                Cell(line, start, at, n++);
                start = at + 1;
            }
        }
        if (n == expected)
        {
            return false;
        }
        Cell(line, start, line.Length, n++);
        return n == expected;
    }

    /// <summary>The cell in [start, end) of the line: leading spaces and trailing white space trimmed, then classified.</summary>
    private void Cell(ReadOnlySpan<char> line, int start, int end, int index)
    {
        while (start < end && line[start] == ' ')
        {
            start++;
        }
        var text = line[start..end].TrimEnd();
        _parsed[index] = context.NaSpans.Contains(text) ? new ParsedCell(CellKind.Missing, 0, start, text.Length)
            : CellNumber.TryParse(text, out var d) ? new ParsedCell(CellKind.Number, d, start, text.Length)
            : new ParsedCell(CellKind.Text, 0, start, text.Length);
    }

    private void ScoreRow(int index, ReadOnlySpan<char> line, ref long t)
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
    // Not AggressiveOptimization: it keeps a method out of the ReadyToRun image, so every process
    // would JIT it at first call (on a short batch run's critical path); the precompiled code does as well.
    private void Scored(int index, ReadOnlySpan<char> line, ModelScore score, string? findingsJson, ref long t)
    {
        // row,score,probability,label,findings with the numbers in round-trip form ("R", written by
        // RoundTripText: the framework's formatter runs as first-tier JIT code here), as UTF-8
        // straight into the slice's buffer: an int (≤ 11 bytes), two doubles (≤ 24 each), 3 commas.
        var span = Output.GetSpan(64);
        index.TryFormat(span, out var n, default, CultureInfo.InvariantCulture);
        span[n++] = (byte)',';
        n += RoundTripText.Write(score.Score, span[n..]);
        span[n++] = (byte)',';
        if (score.Probability is { } probability)
        {
            n += RoundTripText.Write(probability, span[n..]);
        }
        span[n++] = (byte)',';
        Output.Advance(n);
        Output.Write(LabelCell(score.Label));
        if (findingsJson is not null)
        {
            Text(",");
            Text(Quote(findingsJson));
            Text("\n");
        }
        else
        {
            Output.Write(",\n"u8);
        }
        Lap(4, ref t);
        if (context.ByReference)
        {
            var (start, length) = _lines!.Bytes((int)(index - _firstIndex));
            PredictionBlockFormat.RowByReference(Logged, ref _previousIndex, ref _previousEnd, index, start, length, line, score, findingsJson);
        }
        else
        {
            PredictionBlockFormat.Row(Logged, index, line, score, findingsJson);
        }
        LoggedRows++;
        Lap(5, ref t);
    }

    /// <summary>The label's output cell as UTF-8 (quoted if need be), kept for the last label seen: a model has few labels, each one string.</summary>
    private ReadOnlySpan<byte> LabelCell(string? label)
    {
        label ??= "";
        if (!ReferenceEquals(label, _label))
        {
            _labelCell = _labelCells.TryGetValue(label, out var cached) ? cached : _labelCells[label] = Encoding.UTF8.GetBytes(Quote(label));
            _label = label;
        }
        return _labelCell;
    }

    private void Number(int value)
    {
        value.TryFormat(Output.GetSpan(16), out var n, default, CultureInfo.InvariantCulture);
        Output.Advance(n);
    }

    private void Text(string text)
    {
        var span = Output.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length));
        Output.Advance(Encoding.UTF8.GetBytes(text, span));
    }

    public void Dispose()
    {
        Output.Dispose();
        Logged.Dispose();
        Compressed.Dispose();
    }

    /// <summary>
    /// Trace mode: the phases' milliseconds since <paramref name="since"/>. Also called once before
    /// a run's first slice, so that its generic LINQ and number formatting (not precompiled) are
    /// compiled there and not counted in the first slice.
    /// </summary>
    public static string TraceTicks(long[] ticks, long[] since) =>
        string.Join(" ", ticks.Select((x, i) => $"{(x - since[i]) * 1000.0 / Stopwatch.Frequency:0.0}"));

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
