using System.Text;
using Lockstep.Errors;
using Lockstep.Hashing;
using Lockstep.Serving.Batch;
using Lockstep.Serving.Logging;
using Lockstep.Serving.Tests.Support;
using Shouldly;
using Xunit;

namespace Lockstep.Serving.Tests.Batch;

/// <summary>Format 3: a run's input file stored once in the object store, its blocks referring to the lines by position.</summary>
public sealed class BatchScorerInputObjectTests() : BatchStoreTest("lockstep-batch-ref-")
{
    private const string Header = "age,workclass,fnlwgt,education,education-num,marital-status,occupation,relationship,race,sex,capital-gain,capital-loss,hours-per-week,native-country,income";

    [Fact]
    public async Task A_run_logged_by_reference_lists_and_exports_exactly_what_a_run_logged_inline_does()
    {
        // adult.test with CRLF line breaks, a UTF-8 byte order mark, empty and comment lines, quotes,
        // non-ASCII text, rows with findings (flagged, so logged) and a last line without a break.
        var lines = (await File.ReadAllLinesAsync(TestBundles.DataPath("adult", "adult.test"))).Where(l => !l.StartsWith('|')).ToList();
        lines.Insert(100, "");
        lines.Insert(200, "# a comment line");
        lines.Add("39, \"State-gov\", 77516, Bachelors, 13, Never-married, Adm-clerical, Not-in-family, White, Male, 2174, 0, 40, Côte-d'Ivoire, <=50K.");
        lines.Add("390, Space-gov, -5, Bachelors, 13.5, Never-married, ?, Not-in-family, White, Male, 2174, 0, 40, \"日本, \"\"Tokyo\"\"\", <=50K.");
        var input = Path.Combine(Root, "mixed.csv");
        await File.WriteAllTextAsync(input, string.Join("\r\n", lines), new UTF8Encoding(true));

        var (byReference, inline) = await BothWaysAsync(input);

        byReference.Output.ShouldBe(inline.Output);
        byReference.Export.ShouldBe(inline.Export);
        byReference.Result.Scored.ShouldBe(16283);
        (await FormatsAsync(byReference.Result.RunId)).ShouldBe([PredictionBlockFormat.ByReferenceVersion]);
        (await FormatsAsync(inline.Result.RunId)).ShouldBe([PredictionBlockFormat.CompressedVersion]);
        var hash = await ContentHasher.HashFileAsync(input, default);
        (await InputOfAsync(byReference.Result.RunId)).ShouldBe(hash.Hex);
        Store.Objects.Exists(hash).ShouldBeTrue();
        // The rows keep only their answers and positions: smaller than the compressed lines.
        byReference.Bytes.ShouldBeLessThan(inline.Bytes);
    }

    [Fact]
    public async Task A_gzip_file_is_scored_as_its_text_and_logged_inline_and_a_damaged_one_is_named()
    {
        var plain = TestBundles.DataPath("adult", "adult.test");
        var packed = Path.Combine(Root, "adult.test.data");  // gzip known by its bytes, not its name
        await using (var target = File.Create(packed))
        await using (var gzip = new System.IO.Compression.GZipStream(target, System.IO.Compression.CompressionLevel.Fastest))
        await using (var source = File.OpenRead(plain))
        {
            await source.CopyToAsync(gzip);
        }

        var fromPlain = await ScoreAsync(plain, "plain.csv");
        var fromGzip = await ScoreAsync(packed, "gzip.csv");

        fromGzip.Scored.ShouldBe(fromPlain.Scored);
        (await File.ReadAllTextAsync(Path.Combine(Root, "gzip.csv"))).ShouldBe(await File.ReadAllTextAsync(Path.Combine(Root, "plain.csv")));
        // Its lines' positions lie in the decompressed text: carried in the blocks, no object named.
        (await FormatsAsync(fromGzip.RunId)).ShouldBe([PredictionBlockFormat.CompressedVersion]);
        (await InputOfAsync(fromGzip.RunId)).ShouldBeNull();
        var lines = await new PredictionLogReader(Store.Database, Store.Objects).ReadAsync(new PredictionQuery(), default)
            .Where(r => r.RequestId == fromGzip.RunId).CountAsync();
        ((long)lines).ShouldBe(fromGzip.Scored);

        // Damaged where every line still decodes: the trailer's checksum of the text.
        var bytes = await File.ReadAllBytesAsync(packed);
        bytes[^8] ^= 0x5A;
        var damaged = Path.Combine(Root, "damaged.gz");
        await File.WriteAllBytesAsync(damaged, bytes);
        var e = await Should.ThrowAsync<LockstepException>(() => ScoreAsync(damaged, "damaged.csv"));
        e.Message.ShouldContain(damaged);
        e.Message.ShouldContain("gzip data is damaged");
        File.Exists(Path.Combine(Root, "damaged.csv")).ShouldBeFalse();

        // Cut short in the middle of its compressed data.
        var cut = Path.Combine(Root, "cut.gz");
        await File.WriteAllBytesAsync(cut, bytes[..(bytes.Length / 2)]);
        var c = await Should.ThrowAsync<LockstepException>(() => ScoreAsync(cut, "cut.csv"));
        c.Message.ShouldContain(cut);
    }

    [Fact]
    public async Task Lines_the_decoder_repaired_are_logged_inline_and_read_back_as_scored()
    {
        // A Latin-1 "é" (not UTF-8): the reader sees U+FFFD, whose bytes in the file are unknown, so
        // that line and the ones after it carry their text; the lines before refer to the object.
        var rows = (await File.ReadAllLinesAsync(TestBundles.DataPath("adult", "adult.test"))).Where(l => l.Length > 0 && !l.StartsWith('|') && !l.StartsWith('#')).Take(3000).ToList();
        var bytes = new List<byte>();
        for (var i = 0; i < rows.Count; i++)
        {
            if (i == 1500)
            {
                bytes.AddRange("39, State-gov, 77516, Bachelors, 13, Never-married, Adm-clerical, Not-in-family, White, Male, 2174, 0, 40, Unit"u8.ToArray());
                bytes.Add(0xE9);
                bytes.AddRange("d-States, <=50K."u8.ToArray());
            }
            else
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(rows[i]));
            }
            bytes.Add((byte)'\n');
        }
        var input = Path.Combine(Root, "latin1.csv");
        await File.WriteAllBytesAsync(input, [.. bytes]);

        var (byReference, inline) = await BothWaysAsync(input);

        byReference.Output.ShouldBe(inline.Output);
        byReference.Export.ShouldBe(inline.Export);
        byReference.Export.ShouldContain("Unit\uFFFDd-States");
        (await FormatsAsync(byReference.Result.RunId)).ShouldBe([PredictionBlockFormat.ByReferenceVersion]);
    }

    [Fact]
    public async Task A_utf16_file_is_logged_with_its_lines_inline_and_reads_back_the_same()
    {
        var rows = (await File.ReadAllLinesAsync(TestBundles.DataPath("adult", "adult.test"))).Where(l => l.Length > 0 && !l.StartsWith('|') && !l.StartsWith('#')).Take(500).ToList();
        var input = Path.Combine(Root, "utf16.csv");
        await File.WriteAllLinesAsync(input, rows, Encoding.Unicode);

        var (byReference, inline) = await BothWaysAsync(input);

        byReference.Export.ShouldBe(inline.Export);
        (await FormatsAsync(byReference.Result.RunId)).ShouldBe([PredictionBlockFormat.CompressedVersion]);
        (await InputOfAsync(byReference.Result.RunId)).ShouldBeNull();
    }

    [Fact]
    public async Task Scoring_the_same_file_twice_stores_its_input_once_and_both_runs_refer_to_it()
    {
        var input = TestBundles.DataPath("adult", "adult.test");
        var first = await ScoreAsync(input, "once.csv");
        var second = await ScoreAsync(input, "twice.csv");

        var hash = await InputOfAsync(first.RunId);
        hash.ShouldNotBeNull();
        (await InputOfAsync(second.RunId)).ShouldBe(hash);
        Store.Objects.List().Select(h => h.Hex).ShouldBe([hash]);
        (await Store.Metadata.GetReferencedObjectsAsync(default)).Select(h => h.Hex).ShouldContain(hash);
        var health = await new PredictionLogReader(Store.Database, Store.Objects).CheckAsync(default);
        health.Damaged.ShouldBeEmpty();
        health.Predictions.ShouldBe(first.Scored + second.Scored);
    }

    [Fact]
    public async Task A_missing_input_object_is_a_store_error_naming_the_object_and_the_run_and_verify_reports_it()
    {
        var input = Path.Combine(Root, "small.csv");
        var rows = (await File.ReadAllLinesAsync(TestBundles.DataPath("adult", "adult.test"))).Where(l => l.Length > 0 && !l.StartsWith('|') && !l.StartsWith('#')).Take(300).ToList();
        await File.WriteAllLinesAsync(input, rows);
        var result = await ScoreAsync(input, "small-out.csv");
        var hash = ContentHash.Parse((await InputOfAsync(result.RunId))!);
        await Store.Objects.DeleteAsync(hash, default);

        var error = await Should.ThrowAsync<StoreException>(async () =>
            await new PredictionLogReader(Store.Database, Store.Objects).ReadAsync(new PredictionQuery(), default).ToListAsync());
        error.Message.ShouldContain(hash.Hex);
        error.Message.ShouldContain(result.RunId);
        error.Message.ShouldContain("missing");
        error.Message.ShouldContain("lockstep verify");

        var health = await new PredictionLogReader(Store.Database, Store.Objects).CheckAsync(default);
        health.Damaged.Count.ShouldBe(1);
        health.Damaged[0].ShouldContain(hash.Hex);
        health.Damaged[0].ShouldContain(result.RunId);
    }

    [Fact]
    public async Task A_file_changed_before_its_first_block_is_committed_is_refused_by_name_and_nothing_is_logged()
    {
        var input = Path.Combine(Root, "growing.csv");
        File.Copy(TestBundles.DataPath("adult", "adult.test"), input);
        var scorer = new BatchScorer(Model, Log, TimeProvider.System)
        {
            Inputs = Store.Objects,
            OnOpened = () => File.AppendAllText(input, "39, State-gov, 77516, Bachelors, 13, Never-married, Adm-clerical, Not-in-family, White, Male, 2174, 0, 40, United-States, <=50K.\n"),
        };

        var error = await Should.ThrowAsync<LockstepException>(() => scorer.ScoreAsync(input, Path.Combine(Root, "growing-out.csv"), Options(), default));

        error.Message.ShouldContain(input);
        error.Message.ShouldContain("changed while it was scored");
        (await CountAsync("SELECT count(*) FROM predictions")).ShouldBe(0);
        (await CountAsync("SELECT count(*) FROM prediction_inputs")).ShouldBe(0);
        File.Exists(Path.Combine(Root, "growing-out.csv")).ShouldBeFalse();
    }

    [Fact]
    public async Task A_file_changed_after_blocks_were_committed_is_refused_and_its_committed_blocks_are_removed()
    {
        var input = Path.Combine(Root, "touched.csv");
        File.Copy(TestBundles.DataPath("adult", "adult.test"), input);
        var committed = 0;
        var scorer = new BatchScorer(Model, Log, TimeProvider.System)
        {
            Inputs = Store.Objects,
            OnCommitted = n =>
            {
                if (n >= 1 && committed == 0)
                {
                    committed = n;
                    File.SetLastWriteTimeUtc(input, DateTime.UtcNow.AddMinutes(-5));
                }
            },
        };

        var error = await Should.ThrowAsync<LockstepException>(() => scorer.ScoreAsync(input, Path.Combine(Root, "touched-out.csv"), Options(), default));

        committed.ShouldBeGreaterThan(0);
        error.Message.ShouldContain(input);
        error.Message.ShouldContain("changed while it was scored");
        (await CountAsync("SELECT count(*) FROM predictions")).ShouldBe(0);
        (await CountAsync("SELECT count(*) FROM prediction_inputs")).ShouldBe(0);
    }

    [Fact]
    public async Task No_block_is_committed_before_the_input_object_is_in_the_store()
    {
        var input = Path.Combine(Root, "slow.csv");
        File.Copy(TestBundles.DataPath("adult", "adult.test"), input);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var slow = new SlowPut(Store.Objects, release.Task);
        var scoring = new BatchScorer(Model, Log, TimeProvider.System) { Inputs = slow }.ScoreAsync(input, Path.Combine(Root, "slow-out.csv"), Options(), default);

        // The first block is queued (scored and handed to the log) while the object is still being written.
        await slow.Started;
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (Log.Backlog == 0 && waited.Elapsed < TimeSpan.FromMinutes(1))
        {
            await Task.Delay(5);
        }
        Log.Backlog.ShouldBeGreaterThan(0);
        await Task.Delay(200);
        (await CountAsync("SELECT count(*) FROM predictions")).ShouldBe(0);
        (await CountAsync("SELECT count(*) FROM prediction_inputs")).ShouldBe(0);
        Store.Objects.List().ShouldBeEmpty();
        scoring.IsCompleted.ShouldBeFalse();

        release.SetResult();
        var result = await scoring;

        var hash = await InputOfAsync(result.RunId);
        Store.Objects.List().Select(h => h.Hex).ShouldBe([hash]);
        (await CountAsync("SELECT sum(block_rows) FROM predictions")).ShouldBe(result.Scored);
    }

    private static BatchOptions Options(IReadOnlyList<string>? columns = null, IReadOnlyList<string>? drop = null) =>
        new() { Columns = columns ?? TestBundles.AdultColumns, Drop = drop ?? ["income"], FlagInvalid = true };

    private Task<BatchResult> ScoreAsync(string input, string output) =>
        new BatchScorer(Model, Log, TimeProvider.System) { Inputs = Store.Objects }.ScoreAsync(input, Path.Combine(Root, output), Options(), default);

    /// <summary>The file scored by reference and inline (format 2): each run's output, CSV export (request id and time made equal) and block bytes.</summary>
    private async Task<(Run ByReference, Run Inline)> BothWaysAsync(string input, IReadOnlyList<string>? columns = null, IReadOnlyList<string>? drop = null)
    {
        var runs = new List<Run>();
        foreach (var byReference in new[] { true, false })
        {
            var output = Path.Combine(Root, $"out-{byReference}.csv");
            var scorer = new BatchScorer(Model, Log, TimeProvider.System) { Inputs = byReference ? Store.Objects : null };
            var result = await scorer.ScoreAsync(input, output, Options(columns, drop), default);
            var records = new PredictionLogReader(Store.Database, Store.Objects).ReadAsync(new PredictionQuery(), default)
                .Where(r => r.RequestId == result.RunId)
                .Select(r => r with { RequestId = "run", At = DateTimeOffset.UnixEpoch });
            using var csv = new MemoryStream();
            (await PredictionExporter.WriteCsvAsync(records, csv, default)).ShouldBe(result.Scored);
            var bytes = await CountAsync($"SELECT sum(length(block)) FROM predictions WHERE request_id = '{result.RunId}'");
            runs.Add(new Run(result, await File.ReadAllTextAsync(output), Encoding.UTF8.GetString(csv.ToArray()), bytes));
        }
        return (runs[0], runs[1]);
    }

    private async Task<byte[]> FormatsAsync(string runId)
    {
        await using var connection = await Store.Database.OpenConnectionAsync(default);
        await using var formats = connection.CreateCommand();
        formats.CommandText = "SELECT DISTINCT substr(block, 1, 1) FROM predictions WHERE request_id = $r";
        formats.Parameters.AddWithValue("$r", runId);
        var result = new List<byte>();
        await using var reader = await formats.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            result.Add(((byte[])reader.GetValue(0))[0]);
        }
        return [.. result];
    }

    private async Task<string?> InputOfAsync(string runId)
    {
        await using var connection = await Store.Database.OpenConnectionAsync(default);
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT object_hash FROM prediction_inputs WHERE request_id = $r";
        cmd.Parameters.AddWithValue("$r", runId);
        return await cmd.ExecuteScalarAsync() as string;
    }

    private async Task<long> CountAsync(string sql)
    {
        await using var connection = await Store.Database.OpenConnectionAsync(default);
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        return Convert.ToInt64(await cmd.ExecuteScalarAsync() ?? 0L, System.Globalization.CultureInfo.InvariantCulture);
    }

    private sealed record Run(BatchResult Result, string Output, string Export, long Bytes);

    /// <summary>The store's objects, whose file copies wait until the test lets them go on (the real store does the writing).</summary>
    private sealed class SlowPut(Lockstep.Storage.IObjectStore inner, Task release) : Lockstep.Storage.IObjectStore
    {
        private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Started => _started.Task;

        public async Task<Lockstep.Storage.StoredObject> PutFileAsync(string path, CancellationToken cancellationToken)
        {
            _started.TrySetResult();
            await release.WaitAsync(cancellationToken);
            return await inner.PutFileAsync(path, cancellationToken);
        }

        public Task<Lockstep.Storage.StoredObject> PutOwnedFileAsync(string path, CancellationToken cancellationToken) => inner.PutOwnedFileAsync(path, cancellationToken);

        public Task<Lockstep.Storage.StoredObject> PutBytesAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken) => inner.PutBytesAsync(bytes, cancellationToken);

        public bool Exists(ContentHash hash) => inner.Exists(hash);

        public Task<string> GetVerifiedPathAsync(ContentHash hash, CancellationToken cancellationToken) => inner.GetVerifiedPathAsync(hash, cancellationToken);

        public Task<byte[]> ReadVerifiedAsync(ContentHash hash, CancellationToken cancellationToken) => inner.ReadVerifiedAsync(hash, cancellationToken);

        public Task<Lockstep.Storage.ObjectHealth> CheckAsync(ContentHash hash, CancellationToken cancellationToken) => inner.CheckAsync(hash, cancellationToken);

        public IEnumerable<ContentHash> List() => inner.List();

        public long SizeOf(ContentHash hash) => inner.SizeOf(hash);

        public Task DeleteAsync(ContentHash hash, CancellationToken cancellationToken) => inner.DeleteAsync(hash, cancellationToken);

        public string CreateScratchDirectory(string purpose) => inner.CreateScratchDirectory(purpose);
    }
}
