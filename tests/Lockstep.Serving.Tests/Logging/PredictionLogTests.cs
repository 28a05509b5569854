using System.Globalization;
using Lockstep.Errors;
using Lockstep.Serving.Logging;
using Lockstep.Stores.Sqlite;
using Parquet;
using Shouldly;
using Xunit;

namespace Lockstep.Serving.Tests.Logging;

public sealed class PredictionLogTests : IAsyncLifetime
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "lockstep-log-" + Guid.NewGuid().ToString("N"));
    private EmbeddedStore _store = null!;

    public async Task InitializeAsync() => _store = await EmbeddedStore.OpenAsync(_root, true, CancellationToken.None);

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        Directory.Delete(_root, true);
    }

    private static PredictionRecord Record(int i, string model = "adult", int version = 1, DateTimeOffset? at = null) =>
        new("req-" + i.ToString(CultureInfo.InvariantCulture), 0, at ?? new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).AddSeconds(i),
            model, version, "abc", "{\"age\":" + i.ToString(CultureInfo.InvariantCulture) + "}", "{\"score\":0.5}", i % 2 == 0 ? null : "[{\"field\":\"age\"}]", 100 + i, "http");

    [Fact]
    public async Task Concurrent_appends_are_all_committed_and_readable_after_the_log_is_reopened()
    {
        await using (var log = PredictionLog.Open(_store.Database.Path))
        {
            await Task.WhenAll(Enumerable.Range(0, 2000).Select(i => Task.Run(() => log.AppendAsync(Record(i)))));
            log.Committed.ShouldBe(2000);
            log.Backlog.ShouldBe(0);
        }
        await using var reopened = await EmbeddedStore.OpenAsync(_root, false, CancellationToken.None);
        var ids = new HashSet<string>();
        await foreach (var r in new PredictionLogReader(reopened.Database).ReadAsync(new PredictionQuery(), CancellationToken.None))
        {
            ids.Add(r.RequestId);
        }
        ids.Count.ShouldBe(2000);
    }

    [Fact]
    public async Task The_reader_filters_by_model_version_and_time()
    {
        await using (var log = PredictionLog.Open(_store.Database.Path))
        {
            await log.AppendAsync([Record(1), Record(2, version: 2), Record(3, model: "titanic"), Record(4, version: 2)]);
        }
        var reader = new PredictionLogReader(_store.Database);
        var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

        (await reader.CountAsync(new PredictionQuery(Model: "adult"), default)).ShouldBe(3);
        (await reader.CountAsync(new PredictionQuery(Model: "adult", Version: 2), default)).ShouldBe(2);
        (await reader.CountAsync(new PredictionQuery(From: start.AddSeconds(2), To: start.AddSeconds(4)), default)).ShouldBe(2);
        var first = await reader.ReadAsync(new PredictionQuery(Limit: 1), default).FirstAsync();
        first.ShouldBe(Record(1));
    }

    [Fact]
    public async Task Export_writes_csv_with_quoted_json_and_parquet_that_reads_back()
    {
        await using (var log = PredictionLog.Open(_store.Database.Path))
        {
            await log.AppendAsync(Enumerable.Range(0, 10).Select(i => Record(i)).ToList());
        }
        var reader = new PredictionLogReader(_store.Database);
        var csv = Path.Combine(_root, "out.csv");
        var parquet = Path.Combine(_root, "out.parquet");
        await using (var stream = File.Create(csv))
        {
            (await PredictionExporter.WriteCsvAsync(reader.ReadAsync(new PredictionQuery(), default), stream, default)).ShouldBe(10);
        }
        await using (var stream = File.Create(parquet))
        {
            (await PredictionExporter.WriteParquetAsync(reader.ReadAsync(new PredictionQuery(), default), stream, default)).ShouldBe(10);
        }

        var lines = await File.ReadAllLinesAsync(csv);
        lines.Length.ShouldBe(11);
        lines[0].ShouldStartWith("request_id,row_index,at,model,version");
        lines[2].ShouldContain("\"{\"\"age\"\":1}\"");
        await using var file = File.OpenRead(parquet);
        await using var parquetReader = await ParquetReader.CreateAsync(file);
        parquetReader.Schema.GetDataFields().Select(f => f.Name).ShouldContain("input_json");
        using var group = parquetReader.OpenRowGroupReader(0);
        group.RowCount.ShouldBe(10);
    }

    [Fact]
    public async Task An_append_to_an_idle_log_is_committed_on_the_callers_thread_before_the_call_returns()
    {
        await using (var log = PredictionLog.Open(_store.Database.Path))
        {
            var appended = log.AppendAsync(Record(1));

            appended.IsCompletedSuccessfully.ShouldBeTrue();
            log.Committed.ShouldBe(1);
        }
        (await new PredictionLogReader(_store.Database).CountAsync(new PredictionQuery(), default)).ShouldBe(1);
    }

    [Fact]
    public async Task With_full_durability_concurrent_appends_are_all_committed_by_the_writer_thread()
    {
        await using (var log = PredictionLog.Open(_store.Database.Path, LogDurability.Full))
        {
            await Task.WhenAll(Enumerable.Range(0, 300).Select(i => Task.Run(() => log.AppendAsync(Record(i)))));

            log.Committed.ShouldBe(300);
        }
        (await new PredictionLogReader(_store.Database).CountAsync(new PredictionQuery(), default)).ShouldBe(300);
    }

    [Fact]
    public async Task Single_rows_and_batch_chunks_appended_at_once_are_all_committed()
    {
        await using (var log = PredictionLog.Open(_store.Database.Path))
        {
            var singles = Enumerable.Range(0, 500).Select(i => Task.Run(() => log.AppendAsync(Record(i))));
            var chunks = Enumerable.Range(0, 8).Select(c => Task.Run(() => log.AppendAsync(Enumerable.Range(0, 300).Select(i => Record(1000 + (c * 300) + i)).ToArray())));
            await Task.WhenAll(singles.Concat(chunks));

            log.Committed.ShouldBe(500 + (8 * 300));
            log.Backlog.ShouldBe(0);
        }
        (await new PredictionLogReader(_store.Database).CountAsync(new PredictionQuery(), default)).ShouldBe(500 + (8 * 300));
    }

    [Fact]
    public async Task Appends_racing_the_close_are_either_committed_or_refused_and_none_is_lost()
    {
        var log = PredictionLog.Open(_store.Database.Path);
        var appends = Enumerable.Range(0, 400).Select(i => Task.Run(async () =>
        {
            try
            {
                await log.AppendAsync(Record(i));
                return true;
            }
            catch (StoreException e) when (e.Message.Contains("closed", StringComparison.Ordinal))
            {
                return false;
            }
        })).ToList();
        await Task.Delay(1);
        await log.DisposeAsync();

        var committed = (await Task.WhenAll(appends)).Count(ok => ok);
        (await new PredictionLogReader(_store.Database).CountAsync(new PredictionQuery(), default)).ShouldBe(committed);
    }

    [Fact]
    public async Task Appending_after_the_log_is_closed_fails_with_a_clear_message()
    {
        var log = PredictionLog.Open(_store.Database.Path);
        await log.DisposeAsync();

        var error = await Should.ThrowAsync<StoreException>(() => log.AppendAsync(Record(1)));

        error.Message.ShouldContain("closed");
    }

    [Fact]
    public async Task A_group_that_fails_to_commit_is_rolled_back_reported_to_its_waiters_and_the_log_keeps_working()
    {
        await using (var setup = new Microsoft.Data.Sqlite.SqliteConnection("Data Source=" + _store.Database.Path))
        {
            await setup.OpenAsync();
            await using var trigger = setup.CreateCommand();
            trigger.CommandText = "CREATE TRIGGER refuse BEFORE INSERT ON predictions WHEN NEW.request_id = 'req-666' BEGIN SELECT RAISE(ABORT, 'refused by test'); END";
            await trigger.ExecuteNonQueryAsync();
        }
        await using (var log = PredictionLog.Open(_store.Database.Path))
        {
            var error = await Should.ThrowAsync<StoreException>(() => log.AppendAsync([Record(1), Record(666)]));
            error.Message.ShouldContain("refused by test");

            await log.AppendAsync(Record(2));
        }

        var reader = new PredictionLogReader(_store.Database);
        var ids = await reader.ReadAsync(new PredictionQuery(), default).Select(r => r.RequestId).ToListAsync();
        ids.ShouldBe(["req-2"]);
    }

    [Fact]
    public async Task The_WAL_is_checkpointed_into_the_database_file_while_the_log_stays_open()
    {
        var before = new FileInfo(_store.Database.Path).Length;
        await using var log = PredictionLog.Open(_store.Database.Path);

        await log.AppendAsync(Enumerable.Range(0, 3000).Select(i => Record(i)).ToArray());

        // The writer never checkpoints (its connection has automatic checkpoints off), so the
        // database file only grows once the checkpointer has copied the pages in; wait for that.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (new FileInfo(_store.Database.Path).Length <= before && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }
        new FileInfo(_store.Database.Path).Length.ShouldBeGreaterThan(before);
    }
}
