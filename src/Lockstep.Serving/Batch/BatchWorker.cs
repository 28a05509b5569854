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
    private readonly ArrayBufferWriter<byte> _json = new(1024);
    private readonly Utf8JsonWriter _writer = new(new ArrayBufferWriter<byte>(1), Lockstep.Serving.Http.JsonOutput.Options);

    /// <summary>This slice's output lines, in order.</summary>
    public StringBuilder Output { get; } = new(1 << 16);

    public int Blocked { get; private set; }

    /// <summary>The first malformed line of the slice, if any (the slice stops there).</summary>
    public (int Line, string Message)? Error { get; private set; }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Score(IReadOnlyList<(int Number, string Text)> lines, int from, int to, long firstIndex, PredictionRecord?[] records)
    {
        Output.Clear();
        Blocked = 0;
        Error = null;
        var header = context.Header!;
        for (var i = from; i < to; i++)
        {
            var index = firstIndex + i;
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
                _row[header[c]] = context.Na.Contains(cell) ? null
                    : double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : cell;
            }
            records[i] = ScoreRow((int)index);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private PredictionRecord? ScoreRow(int index)
    {
        _findings.Clear();
        model.Validate(_row, index, _findings);
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
                return null;
            }
        }
        var score = model.Score(_row);
        output.Append(CultureInfo.InvariantCulture, $"{score.Score:R},{score.Probability:R},").Append(Quote(score.Label ?? "")).Append(',');
        if (findingsJson is not null)
        {
            output.Append(Quote(findingsJson));
        }
        output.Append('\n');
        return new PredictionRecord(context.RunId, index, context.At, model.Name, model.Version, model.BundleHash,
            RowJson(), OutputJson(score), findingsJson, 0, "batch");
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private string RowJson()
    {
        _json.ResetWrittenCount();
        _writer.Reset(_json);
        _writer.WriteStartObject();
        foreach (var (key, value) in _row)
        {
            switch (value)
            {
                case null: _writer.WriteNull(key); break;
                case double d: _writer.WriteNumber(key, d); break;
                case string s: _writer.WriteString(key, s); break;
                default: _writer.WriteString(key, Convert.ToString(value, CultureInfo.InvariantCulture)); break;
            }
        }
        _writer.WriteEndObject();
        _writer.Flush();
        return Encoding.UTF8.GetString(_json.WrittenSpan);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private string OutputJson(ModelScore score)
    {
        _json.ResetWrittenCount();
        _writer.Reset(_json);
        _writer.WriteStartObject();
        ScoreJson.WriteFields(_writer, score);
        _writer.WriteEndObject();
        _writer.Flush();
        return Encoding.UTF8.GetString(_json.WrittenSpan);
    }

    private static string Quote(string cell) =>
        cell.AsSpan().IndexOfAny(",\"\r\n") < 0 ? cell : "\"" + cell.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
