using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Threading.Channels;
using System.Text;
using Lockstep.Data.Snapshots;
using Lockstep.Data.Statistics;
using Lockstep.Data.Tables;

namespace Lockstep.Data.Ingest;

/// <summary>
/// One pass over the source with fixed column types: converts fields, batches rows into the
/// snapshot writer and the statistics, and either finishes or stops at the first value of an
/// inferred column that needs a wider type.
/// </summary>
internal sealed class IngestPass(string[] names, InferredType[] types, bool[] declared, IngestOptions options, string? rejectsPath)
{
    private readonly MissingMarkers _missing = new(options.Missing);
    private readonly ColumnBuilder[] _builders = names.Select((n, i) => new ColumnBuilder(n, types[i].ToColumnType(), options.BatchRows)).ToArray();
    // Only text columns intern their values (a pool is a few hundred KB).
    private readonly StringPool?[] _pools = types.Select(t => t.ToColumnType() == ColumnType.String ? new StringPool() : null).ToArray();
    private readonly ColumnType[] _kinds = types.Select(t => t.ToColumnType()).ToArray();
    private readonly bool _trim = options.Trim;

    // The previous batch's statistics and Parquet encoding run on another core while the next
    // batch is parsed; one batch at a time, in order, so the output does not change.
    private Task _pending = Task.CompletedTask;
    private Table? _previous;

    internal sealed record Widening(int Column, InferredType Type, long Line, string Text);

    internal sealed record Outcome(long Rows, long Rejected, DatasetStatistics? Statistics, Widening? Widened);

    public async Task<Outcome> RunAsync(Func<CancellationToken, ValueTask<IRecordSource>> open, string snapshotPath, CancellationToken cancellationToken)
    {
        var layout = names.Select((n, i) => new ColumnInfo(n, types[i].ToColumnType())).ToArray();
        var stats = new StatisticsCollector(layout);
        long rows = 0;
        await using var src = await open(cancellationToken).ConfigureAwait(false);
        await using var rejects = new RejectsWriter(rejectsPath);
        // One task cuts records out of the source (and decompresses, via the source's stream)
        // while this one converts the previous run of them: the two are the longest stages.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var full = Channel.CreateBounded<RecordBatch>(new BoundedChannelOptions(1) { SingleReader = true, SingleWriter = true });
        var free = Channel.CreateUnbounded<RecordBatch>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        for (var i = 0; i < 3; i++)
        {
            free.Writer.TryWrite(new RecordBatch(src.Description));
        }
        var producer = Task.Run(() => ProduceAsync(src, full.Writer, free.Reader, stop.Token), CancellationToken.None);
        await using (var writer = await SnapshotWriter.CreateAsync(snapshotPath, layout, Metadata(), cancellationToken).ConfigureAwait(false))
        {
            try
            {
                var inBatch = 0;
                await foreach (var records in full.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
                {
                    for (var r = 0; r < records.Count; r++)
                    {
                        records.MoveTo(r);
                        var problem = Convert(records, inBatch, out var widened);
                        if (widened is not null)
                        {
                            return new Outcome(rows, rejects.Count, null, widened);
                        }
                        if (problem is not null)
                        {
                            if (options.OnBadRows == BadRowPolicy.Error)
                            {
                                throw new DataException(problem + " (or set 'on_bad_rows: skip' to skip such rows into the rejects artifact)");
                            }
                            rejects.Add(records.Line, records.Offset, problem, records.Raw);
                            continue;
                        }
                        rows++;
                        if (++inBatch == options.BatchRows)
                        {
                            await FlushAsync(writer, stats, last: false, cancellationToken).ConfigureAwait(false);
                            inBatch = 0;
                        }
                    }
                    records.Error?.Throw();
                    free.Writer.TryWrite(records);
                }
                if (inBatch > 0)
                {
                    await FlushAsync(writer, stats, last: true, cancellationToken).ConfigureAwait(false);
                    await _pending.ConfigureAwait(false);
                }
                else
                {
                    await _pending.ConfigureAwait(false);
                    await writer.CompleteAsync(cancellationToken).ConfigureAwait(false);
                }
            }
            finally
            {
                // Stop the reader before the source is disposed, and never dispose the writer
                // under a batch still being written.
                await stop.CancelAsync().ConfigureAwait(false);
                await producer.ConfigureAwait(false);
                await _pending.ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default).ConfigureAwait(false);
            }
        }
        if (rows == 0)
        {
            throw new DataException(rejects.Count > 0
                ? $"every row of {src.Description} was rejected ({rejects.Count}); see the rejects artifact for the reasons"
                : $"{src.Description} has no data rows; nothing to ingest");
        }
        if (stats.NeedsSecondPass)
        {
            await using var again = await SnapshotReader.OpenAsync(snapshotPath, cancellationToken).ConfigureAwait(false);
            await stats.SecondPassAsync(again.ReadBatchesAsync(cancellationToken), cancellationToken).ConfigureAwait(false);
        }
        return new Outcome(rows, rejects.Count, stats.Build(), null);
    }

    /// <summary>
    /// Reads the source into batches of records, in order. Never throws: a failure of the source
    /// travels in the batch holding the records before it, so the records read before the failure
    /// are converted first (their own errors come first, as in a sequential read).
    /// </summary>
    private static async Task ProduceAsync(IRecordSource src, ChannelWriter<RecordBatch> full, ChannelReader<RecordBatch> free, CancellationToken cancellationToken)
    {
        try
        {
            var batch = await free.ReadAsync(cancellationToken).ConfigureAwait(false);
            batch.Clear();
            try
            {
                while (await src.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    batch.Add(src);
                    if (batch.IsFull)
                    {
                        await full.WriteAsync(batch, cancellationToken).ConfigureAwait(false);
                        batch = await free.ReadAsync(cancellationToken).ConfigureAwait(false);
                        batch.Clear();
                    }
                }
            }
            catch (Exception e) when (!(e is OperationCanceledException && cancellationToken.IsCancellationRequested))
            {
                batch.Error = ExceptionDispatchInfo.Capture(e);
            }
            await full.WriteAsync(batch, cancellationToken).ConfigureAwait(false);
            full.TryComplete();
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The converter stopped early (a widened type, an error) or the ingest was cancelled.
            full.TryComplete();
        }
    }

    private Dictionary<string, string> Metadata() => new(StringComparer.Ordinal)
    {
        ["lockstep.order"] = options.Key.Count > 0 ? "key:" + string.Join(",", options.Key) : "source",
    };

    private async Task FlushAsync(SnapshotWriter writer, StatisticsCollector stats, bool last, CancellationToken cancellationToken)
    {
        await _pending.ConfigureAwait(false);
        if (_previous is not null)
        {
            for (var i = 0; i < _builders.Length; i++)
            {
                _builders[i].Recycle(_previous.Columns[i]);
            }
        }
        var batch = new Table(_builders.Select(b => b.Build()).ToArray());
        _previous = batch;
        _pending = Task.Run(async () =>
        {
            stats.Add(batch);
            if (last)
            {
                await writer.CompleteWithAsync(batch, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await writer.WriteAsync(batch, cancellationToken).ConfigureAwait(false);
            }
        }, cancellationToken);
    }

    /// <summary>Appends the record's values; returns a problem (row not added) or sets <paramref name="widened"/>.</summary>
    private string? Convert(IRecordSource src, int inBatch, out Widening? widened)
    {
        widened = null;
        if (src.FieldCount != names.Length)
        {
            return $"{src.Description} line {src.Line}: {src.FieldCount} fields, expected {names.Length} ({(src.FieldCount < names.Length ? "a truncated row?" : "an unquoted delimiter inside a value?")})";
        }
        var bad = Utf8Check.FirstInvalid(src.Raw);
        if (bad >= 0)
        {
            return $"{src.Description} line {src.Line}, byte offset {src.Offset + bad}: not valid UTF-8; convert the file to UTF-8 (e.g. 'iconv -f latin1 -t utf-8')";
        }
        var batch = src as RecordBatch; // sealed: direct, inlined calls on the common path
        for (var c = 0; c < _builders.Length; c++)
        {
            var put = batch is not null ? Put(c, batch.Field(c), batch.IsNull(c)) : Put(c, src.Field(c), src.IsNull(c));
            if (put == FieldResult.Added)
            {
                continue;
            }
            var field = options.Trim ? Blanks.Trim(src.Field(c)) : src.Field(c);
            if (put == FieldResult.Undecided)
            {
                // Only missing values so far: this value decides the type.
                widened = new Widening(c, InferredTypes.Widen(InferredType.Null, field), src.Line, Shorten(field));
                return null;
            }
            for (var u = 0; u < c; u++)
            {
                _builders[u].Truncate(inBatch);
            }
            if (!declared[c])
            {
                widened = new Widening(c, InferredTypes.Widen(types[c], field), src.Line, Shorten(field));
                return null;
            }
            return $"{src.Description} line {src.Line}, column '{names[c]}': '{Shorten(field)}' is not {Article(_kinds[c])}; fix the value, add it to 'missing', or declare the column with another type";
        }
        return null;
    }

    private enum FieldResult
    {
        Added,
        NotConverted,
        Undecided,
    }

    /// <summary>Converts one field and appends it to its column's builder (the per-field hot path).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private FieldResult Put(int c, ReadOnlySpan<byte> field, bool isNull)
    {
        var b = _builders[c];
        if (_trim)
        {
            field = Blanks.Trim(field);
        }
        if (isNull || _missing.IsMissing(field))
        {
            b.AddNull();
            return FieldResult.Added;
        }
        switch (_kinds[c])
        {
            case ColumnType.Int64:
                if (!FastNumbers.TryInt64(field, out var l))
                {
                    return FieldResult.NotConverted;
                }
                b.Add(l);
                return FieldResult.Added;
            case ColumnType.Double:
                if (!FastNumbers.TryDouble(field, out var d))
                {
                    return FieldResult.NotConverted;
                }
                b.Add(d);
                return FieldResult.Added;
            case ColumnType.Boolean:
                if (!(declared[c] ? FieldParsers.TryBoolean(field, out var x) : FieldParsers.TryBooleanStrict(field, out x)))
                {
                    return FieldResult.NotConverted;
                }
                b.Add(x);
                return FieldResult.Added;
            default:
                if (types[c] == InferredType.Null)
                {
                    return FieldResult.Undecided;
                }
                b.Add(_pools[c]!.Get(field));
                return FieldResult.Added;
        }
    }

    private static string Article(ColumnType type) => type == ColumnType.Int64 ? "an int64" : "a " + type.ToName();

    private static string Shorten(ReadOnlySpan<byte> field)
    {
        var text = Encoding.UTF8.GetString(field.Length > 80 ? field[..80] : field);
        return field.Length > 80 ? text + "…" : text;
    }
}
