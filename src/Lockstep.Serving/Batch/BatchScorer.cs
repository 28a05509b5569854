using System.Diagnostics;
using System.IO.Compression;
using System.Text;
using Lockstep.Errors;
using Lockstep.Serving.Logging;
using Lockstep.Serving.Scoring;
using Lockstep.Storage;

namespace Lockstep.Serving.Batch;

/// <summary>
/// Scores a CSV file with the same validation, model and prediction log as the server; writes
/// <c>row,score,probability,label,findings</c> to the output CSV in input order. Streaming with
/// bounded memory: lines are read in chunks; each chunk is cut into contiguous slices (four per
/// core, taken by whichever thread is free), each slice parsed, validated and scored by its own
/// <see cref="BatchWorker"/> (own scorer, own buffers), handed out by a <see cref="SliceScheduler"/>.
/// A pipeline of two chunks: while the helpers score chunk N, this thread writes chunk N − 1's
/// slices in order, hands them to the log as one block (whose commit overlaps too), reads chunk
/// N + 1 and publishes its slices, then scores slices itself until chunk N is done, so nothing
/// waits for the file or the log but at the very end. Two sets of
/// workers and line buffers alternate, so a chunk's results are never overwritten before they
/// are written.
/// </summary>
public sealed class BatchScorer(IScoringModel model, PredictionLog log, TimeProvider time)
{
    /// <summary>Rows per chunk (memory holds at most two chunks of lines and results and one block in the log's queue).</summary>
    public const int ChunkRows = 4096;

    /// <summary>
    /// Rows of the first chunk: the helpers start scoring once it is read, so a quarter chunk
    /// gets both cores busy a quarter as late (the first 4,096 lines took ≈ 2.5 ms to read, cold,
    /// with the other core idle); the next chunk is read while it is scored.
    /// </summary>
    public const int FirstChunkRows = ChunkRows / 4;

    /// <summary>False: every row takes <see cref="BatchWorker"/>'s dictionary path (for the tests that prove both paths agree).</summary>
    internal bool TypedPath { get; init; } = true;

    /// <summary>False: the log's blocks are written in format 1, uncompressed (for the tests that prove both formats read back the same).</summary>
    internal bool CompressLog { get; init; } = true;

    /// <summary>
    /// The object store that holds the runs' input files: set, a plain file is stored there once
    /// (by content hash, while it is scored) and the log's blocks refer to its lines (format 3);
    /// null, the blocks carry the lines (format 2). The caller holds the store lock shared for the
    /// whole call, so garbage collection cannot remove the object before the log refers to it.
    /// </summary>
    public IObjectStore? Inputs { get; init; }

    /// <summary>Test hook: called once the input is open (and being stored), before it is read.</summary>
    internal Action? OnOpened { get; init; }

    /// <summary>Test hook: called with the number of blocks committed so far, each time the scorer has waited for the log.</summary>
    internal Action<int>? OnCommitted { get; init; }

    public async Task<BatchResult> ScoreAsync(string inputPath, string outputPath, BatchOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var started = Stopwatch.GetTimestamp();
        var runId = "batch-" + Guid.CreateVersion7().ToString("N");
        StreamReader input;
        StoredInput? stored = null;
        try
        {
            // What StreamReader(path, UTF8, true, options) opens, with the stream at hand to store.
            var file = new FileStream(inputPath, new FileStreamOptions { BufferSize = 1 << 16, Options = FileOptions.SequentialScan });
            Stream source = file;
            try
            {
                if (IsGzip(file))
                {
                    // Read as `lockstep ingest` reads it (gzip known by its magic bytes, not the
                    // name). Its lines are logged inline (format 2): their positions lie in the
                    // decompressed text, not in the stored file.
                    source = new GZipStream(file, CompressionMode.Decompress);
                }
                else
                {
                    stored = Inputs is null ? null : StoredInput.TryStart(Inputs, file, inputPath, runId, cancellationToken);
                }
            }
            catch
            {
                file.Dispose();
                throw;
            }
            input = new StreamReader(source, Encoding.UTF8, true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new LockstepException(Directory.Exists(inputPath)
                ? $"the input {inputPath} is a folder; give the CSV file to score"
                : $"cannot read the input file {inputPath}: {e.Message}", e);
        }
        using var _ = input;
        var tmp = outputPath + ".tmp";
        var context = new BatchContext(options, time.GetUtcNow(), runId, inputPath) { TypedPath = TypedPath, CompressLog = CompressLog, ByReference = stored is not null };
        if (options.Columns is { } columns)
        {
            context.SetHeader([.. columns]);
        }
        if (BatchWorker.Trace)
        {
            BatchWorker.Mark("trace warm-up " + BatchWorker.TraceTicks(new long[7], new long[7]));
        }
        var state = new RunState(input, context, stored?.FirstByte ?? -1);
        OnOpened?.Invoke();
        var sets = new[] { NewWorkers(context), NewWorkers(context) };
        var buffers = new[] { new LineChunk(), new LineChunk() };
        Task pendingLog = Task.CompletedTask;
        // The cores but one: the run's own thread scores between its reads and writes.
        var scheduler = new SliceScheduler(Environment.ProcessorCount - 1);
        // True while the input is checked after its last line: a change found there refuses a run
        // whose first blocks may already be committed, and those are removed.
        var checkingRead = false;
        try
        {
            // Disposed synchronously, as it is written: the asynchronous dispose took 1.5–1.8 ms at
            // the end of every run (its awaiter's generic code is compiled by the JIT there).
            using (var output = new FileStream(tmp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
            {
                output.Write("row,score,probability,label,findings\n"u8);
                var current = 0;
                // The workers' typed paths (the clean check, the row encoder, a scorer each: ~3 ms
                // on the first slice otherwise, while the other worker waited for the shared part)
                // are built on another thread while the first chunk is read, when the columns are
                // known before the file is.
                var preparing = context.Header is null || !TypedPath ? Task.CompletedTask : Task.Run(() =>
                {
                    foreach (var set in sets)
                    {
                        foreach (var w in set)
                        {
                            w.Prepare();
                        }
                    }
                    BatchWorker.Mark("workers prepared");
                }, cancellationToken);
                try
                {
                    state.Read(buffers[current]);
                }
                finally
                {
                    await preparing.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                }
                await preparing.ConfigureAwait(false);
                if (BatchWorker.Trace)
                {
                    BatchWorker.Mark($"first read end gc={GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)} gc-pause={GC.GetTotalPauseDuration().TotalMilliseconds:0.0}ms");
                }
                // The slices of a chunk are published as soon as it is read; this thread scores
                // slices too whenever it waits for a chunk, so no chunk boundary leaves a core idle.
                // One pass per chunk, and one more after the last to finish it: publish this chunk,
                // finish the previous one, read the next.
                Chunk? previous = null;
                while (true)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var lines = buffers[current];
                    Chunk? scoring = null;
                    if (lines.Count > 0)
                    {
                        var workers = sets[current];
                        // Slices of at least MinSliceRows: a tiny slice is not worth its scheduling.
                        var slices = Math.Clamp(lines.Count / MinSliceRows, 1, workers.Length);
                        var first = state.Rows;
                        state.Rows += lines.Count;
                        var work = scheduler.Publish(slices, w => workers[w].Score(lines, lines.Count * w / slices, lines.Count * (w + 1) / slices, first));
                        scoring = new Chunk(workers, slices, first, work);
                    }
                    if (previous is not null)
                    {
                        scheduler.RunUntilDone(previous.Work, cancellationToken);
                        BatchWorker.Mark("finish start");
                        var block = Finish(previous, output, state);
                        await pendingLog.ConfigureAwait(false);
                        OnCommitted?.Invoke(state.Blocks - (block is null ? 0 : 1));
                        pendingLog = block is null ? Task.CompletedTask
                            : stored is not null && state.Blocks == 1 ? log.AppendAsync(block, stored.Stored)
                            : log.AppendAsync(block);
                        BatchWorker.Mark("finish end");
                    }
                    if (scoring is null)
                    {
                        break;
                    }
                    state.Read(buffers[1 - current]);
                    BatchWorker.Mark("read end");
                    if (state.Ended && stored is not null && !state.ReadChecked)
                    {
                        // The whole file is read: it must still be what was stored (and its lines
                        // must end at its last byte) before the rest of its blocks are committed.
                        state.ReadChecked = true;
                        checkingRead = true;
                        stored.CheckRead(state.BytePosition);
                        checkingRead = false;
                    }
                    previous = scoring;
                    current = 1 - current;
                }
                await pendingLog.ConfigureAwait(false);
                if (stored is not null)
                {
                    // Stored even when no block needed it (every row invalid): never left running.
                    await stored.Stored.ConfigureAwait(false);
                }
                BatchWorker.Mark("log done");
            }
        }
        catch
        {
            // No half-written output is left behind under the temporary name; a block already
            // queued is committed or failed by the log before this returns.
            // Never leave a helper running behind an error: the buffers are released next.
            scheduler.Stop();
            await pendingLog.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            if (stored is not null)
            {
                await ((Task)stored.Stored).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                if (checkingRead && state.Blocks > 0)
                {
                    // Blocks committed before the change was found may refer to bytes that are not
                    // what was scored: a refused run leaves none (a failed discard leaves them, and
                    // `lockstep verify` reads them as they are). A run that fails otherwise keeps
                    // its committed blocks, as a format 2 run does. A change found when the input is
                    // stored fails the first block's commit: nothing was committed.
                    await log.DiscardAsync(runId).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                }
            }
            Release();
            File.Delete(tmp);
            throw;
        }
        BatchWorker.Mark("output closed");
        scheduler.Stop();
        Release();
        BatchWorker.Mark("buffers released");
        File.Move(tmp, outputPath, overwrite: true);
        var end = Stopwatch.GetTimestamp();
        var endCpu = BatchWorker.Trace ? Environment.CpuUsage.TotalTime : TimeSpan.Zero;
        if (BatchWorker.Trace)
        {
            var workers = sets.SelectMany(s => s).ToArray();
            string[] names = ["parse", "validate", "findings", "model", "csv", "block", "compress"];
            Console.Error.WriteLine(string.Join(" ", names.Select((n, i) => $"{n}={workers.Sum(w => w.Ticks[i]) * 1000.0 / Stopwatch.Frequency:0.0}ms"))
                + $" log-insert={PredictionLog.TraceInsertTicks * 1000.0 / Stopwatch.Frequency:0.0}ms log-commit={PredictionLog.TraceCommitTicks * 1000.0 / Stopwatch.Frequency:0.0}ms typed-rows={workers.Sum(w => w.TypedRows)}"
                + $" scoring-cpu={(endCpu - state.FirstRowCpu).TotalMilliseconds:0.0}ms gc={GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)} gc-pause={GC.GetTotalPauseDuration().TotalMilliseconds:0.0}ms");
            var origin = state.FirstRow ?? started;
            foreach (var (at, thread, what) in BatchWorker.Timeline)
            {
                Console.Error.WriteLine($"  {(at - origin) * 1000.0 / Stopwatch.Frequency,7:0.0} ms  t{thread}  {what}");
            }
            Console.Error.WriteLine($"  {(end - origin) * 1000.0 / Stopwatch.Frequency,7:0.0} ms  end");
            BatchWorker.Timeline.Clear();
        }
        return new BatchResult(runId, state.Rows, state.Scored, state.Invalid, Stopwatch.GetElapsedTime(started, end), Stopwatch.GetElapsedTime(state.FirstRow ?? end, end));

        // The native buffers, once no worker runs and no block waits in the log.
        void Release()
        {
            foreach (var set in sets)
            {
                foreach (var w in set)
                {
                    w.Dispose();
                }
            }
            foreach (var payload in state.Payloads)
            {
                payload.Dispose();
            }
            foreach (var buffer in buffers)
            {
                buffer.Dispose();
            }
        }
    }

    /// <summary>
    /// Four slices per core: the scheduler hands them to whichever thread is free, so a core is
    /// not left idle while the other finishes a slice that started late (the pool thread that
    /// writes and reads between chunks takes its share when it is done). With one slice per core
    /// the second slice of a chunk waited for that thread: measured a core idle for ~10 ms a chunk.
    /// A chunk has at most <see cref="ChunkRows"/> / <see cref="MinSliceRows"/> slices, so more
    /// cores than that get no more workers.
    /// </summary>
    private BatchWorker[] NewWorkers(BatchContext context) =>
        Enumerable.Range(0, Math.Min(Environment.ProcessorCount * 4, ChunkRows / MinSliceRows)).Select(_ => new BatchWorker(model, context)).ToArray();

    /// <summary>The smallest slice a chunk is cut into (a tiny slice is not worth its scheduling).</summary>
    private const int MinSliceRows = 256;

    /// <summary>
    /// A scored chunk: the first malformed line stops the run; else its slices are written in
    /// order and its scored rows made into one block (null: none), which the caller hands to the
    /// log once the previous block is committed (so at most one block waits in the log's queue).
    /// Synchronous, the wait in the caller: a second async method's state machine (not
    /// precompiled) was JIT-compiled at its first suspension, in the middle of the run.
    /// </summary>
    private PredictionBlock? Finish(Chunk chunk, FileStream output, RunState state)
    {
        // Plain loops: LINQ over these element types is not precompiled, and its first-tier code
        // would be compiled on every run.
        var workers = chunk.Workers.AsSpan(0, chunk.Slices);
        foreach (var w in workers)
        {
            // Slices are in line order, so the first slice with an error has the first bad line.
            if (w.Error is { } error)
            {
                throw new LockstepException(error.Message);
            }
        }
        var logged = 0;
        var parts = new ReadOnlyMemory<byte>[workers.Length];
        for (var i = 0; i < workers.Length; i++)
        {
            var w = workers[i];
            output.Write(w.Output.WrittenSpan);
            state.Invalid += w.Blocked;
            logged += w.LoggedRows;
            parts[i] = state.Context.CompressParts ? w.Compressed.WrittenMemory : w.Logged.WrittenMemory;
        }
        state.Scored += logged;
        // The payload is copied out of the workers' buffers, which the chunk after next reuses,
        // into one of two payload buffers that alternate: this block's buffer last held the block
        // before the previous one, which is committed (the previous call awaited it).
        PredictionBlock? block = null;
        if (logged > 0)
        {
            var payload = state.Payloads[state.Blocks++ % 2];
            payload.ResetWrittenCount();
            if (state.Context.ByReference)
            {
                PredictionBlockFormat.ComposeByReference(state.BlockHeader(), logged, parts, payload);
            }
            else if (state.Context.CompressLog)
            {
                PredictionBlockFormat.ComposeCompressed(state.BlockHeader(), logged, parts, payload);
            }
            else
            {
                PredictionBlockFormat.Compose(state.BlockHeader(), logged, parts, payload);
            }
            block = new PredictionBlock(state.Context.RunId, (int)chunk.FirstRow, logged, state.Context.At, model.Name, model.Version, model.BundleHash, "batch", payload.WrittenMemory);
        }
        return block;
    }

    /// <summary>True when a seekable input starts with gzip's magic bytes (a pipe is read as text).</summary>
    private static bool IsGzip(FileStream file)
    {
        if (!file.CanSeek)
        {
            return false;
        }
        Span<byte> head = stackalloc byte[2];
        return RandomAccess.Read(file.SafeFileHandle, head, 0) == 2 && head[0] == 0x1F && head[1] == 0x8B;
    }

    private sealed record Chunk(BatchWorker[] Workers, int Slices, long FirstRow, SliceScheduler.Work Work);

    /// <summary>The reading position and counts of one run (touched by the scoring call's own thread only).</summary>
    private sealed class RunState(StreamReader input, BatchContext context, long firstByte)
    {
        private readonly LineReader _input = new(input);

        /// <summary>
        /// Format 3: where the next line starts in the file, in bytes; −1 when lines are not placed
        /// (format 2), or no longer: after a line with U+FFFD, which the decoder may have made of
        /// bytes that were not UTF-8, so its length in the file is unknown (the rest go inline).
        /// </summary>
        public long BytePosition { get; private set; } = firstByte;

        /// <summary>True once the file's end was read.</summary>
        public bool Ended { get; private set; }

        public bool ReadChecked { get; set; }
        private int _lineNumber;
        private byte[]? _blockHeader;

        /// <summary>The two payload buffers blocks alternate between (see <see cref="Finish"/>).</summary>
        public NativeBufferWriter[] Payloads { get; } = [new(1 << 16), new(1 << 16)];

        public int Blocks { get; set; }

        public BatchContext Context { get; } = context;

        public long Rows { get; set; }

        public long Scored { get; set; }

        public long Invalid { get; set; }

        /// <summary>When the first data row was read: the start of the scoring phase.</summary>
        public long? FirstRow { get; private set; }

        /// <summary>Trace mode: the process's CPU time (all threads) when the first data row was read.</summary>
        public TimeSpan FirstRowCpu { get; private set; }

        public byte[] BlockHeader() => _blockHeader ??= PredictionBlockFormat.Header(Context.Header!, Context.Dropped, Context.Na);

        /// <summary>Reads the next chunk's data lines (skipping empty and comment lines; the first line is the header when the columns were not given).</summary>
        public void Read(LineChunk lines)
        {
            try
            {
                ReadLines(lines);
                if (Ended && Context.Header is null)
                {
                    throw new LockstepException($"{Context.InputPath} has no header line (it holds no line but empty or comment ones): its first line must name the columns, or pass them with --columns");
                }
            }
            catch (InvalidDataException e)
            {
                // Only a gzip input's decompression throws this: the file is damaged or cut short.
                throw new LockstepException($"{Context.InputPath} line {_lineNumber + 1}: the gzip data is damaged or cut short ({e.Message.TrimEnd('.')}); compress the file again or score it uncompressed", e);
            }
        }

        private void ReadLines(LineChunk lines)
        {
            // Per-line reads go through a 64 KiB buffer synchronously: an await per line costs
            // more than the line; the file handles are the async boundary.
            lines.Clear();
            var prefix = Context.Options.CommentPrefix;
            var limit = FirstRow is null ? FirstChunkRows : ChunkRows;
            while (true)
            {
                if (lines.Count >= limit)
                {
                    break;
                }
                if (!_input.TryRead(out var text))
                {
                    Ended = true;
                    break;
                }
                _lineNumber++;
                var byteStart = BytePosition;
                var byteLength = 0;
                if (byteStart >= 0)
                {
                    if (text.Contains('\uFFFD'))
                    {
                        BytePosition = byteStart = -1;
                    }
                    else
                    {
                        byteLength = Encoding.UTF8.GetByteCount(text);
                        BytePosition = byteStart + byteLength + _input.LastBreak;
                    }
                }
                if (text.Length == 0 || (prefix is not null && text.StartsWith(prefix, StringComparison.Ordinal)))
                {
                    continue;
                }
                if (Context.Header is null)
                {
                    var cells = new List<string>();
                    CsvLine.Split(text.ToString(), cells);
                    Context.SetHeader([.. cells]);
                    continue;
                }
                if (FirstRow is null)
                {
                    FirstRow = Stopwatch.GetTimestamp();
                    FirstRowCpu = BatchWorker.Trace ? Environment.CpuUsage.TotalTime : TimeSpan.Zero;
                }
                lines.Add(_lineNumber, text, byteStart, byteLength);
            }
        }
    }
}
