using Lockstep.Errors;
using Lockstep.Hashing;
using Lockstep.Storage;
using Lockstep.Stores.Sqlite;
using Microsoft.Data.Sqlite;

namespace Lockstep.Stores.Sqlite.Tests;

public sealed class EmbeddedStoreTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "lockstep-store-" + Guid.NewGuid().ToString("N")[..10]);

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_root))
        {
            foreach (var f in Directory.EnumerateFiles(_root, "*", SearchOption.AllDirectories))
            {
                File.SetAttributes(f, FileAttributes.Normal);
            }
            Directory.Delete(_root, true);
        }
    }

    private static RunRecord Run(string id, DateTimeOffset at) => new()
    {
        Id = id,
        Pipeline = "p",
        Kind = "run",
        Status = RunStatus.Running,
        StartedAt = at,
        User = "u",
        Host = "h",
        ProcessId = 1,
        Seed = 1,
        SeedGenerated = false,
        WorkspacePath = "/w",
        ConfigJson = "{}",
        EnvironmentJson = "{}",
        SourceJson = "{}",
    };

    private static async Task<long> ScalarAsync(EmbeddedStore store, string sql)
    {
        await using var c = await store.Database.OpenConnectionAsync(default);
        await using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task A_store_opened_after_the_sqlite_warm_up_is_migrated_and_the_warm_up_writes_no_file()
    {
        var before = Directory.GetFiles(Environment.CurrentDirectory);
        SqliteDatabase.StartWarmUp();
        SqliteDatabase.StartWarmUp();
        await using (var store = await EmbeddedStore.OpenAsync(_root, create: true, default))
        {
            (await ScalarAsync(store, "SELECT COUNT(*) FROM schema_migrations")).ShouldBe(Migrations.AllMigrations.List.Count);
            (await ScalarAsync(store, "PRAGMA user_version")).ShouldBe(SqliteDatabase.CurrentVersion);
        }
        Directory.GetFiles(Environment.CurrentDirectory).ShouldBe(before, ignoreOrder: true);
        Directory.GetFiles(_root).Select(Path.GetFileName).ShouldNotContain(":memory:");
    }

    [Fact]
    public async Task Opening_a_new_store_applies_every_migration_once_in_wal_mode()
    {
        await using (var store = await EmbeddedStore.OpenAsync(_root, create: true, default))
        {
            (await ScalarAsync(store, "SELECT COUNT(*) FROM schema_migrations")).ShouldBe(Migrations.AllMigrations.List.Count);
        }
        await using var again = await EmbeddedStore.OpenAsync(_root, create: false, default);
        (await ScalarAsync(again, "SELECT COUNT(*) FROM schema_migrations")).ShouldBe(Migrations.AllMigrations.List.Count);
        await using var c = await again.Database.OpenConnectionAsync(default);
        await using var cmd = c.CreateCommand();
        cmd.CommandText = "PRAGMA journal_mode";
        ((string)(await cmd.ExecuteScalarAsync())!).ShouldBe("wal");
    }

    [Fact]
    public async Task Every_connection_has_the_stores_settings_when_reused_from_the_pool_and_after_the_pool_is_cleared()
    {
        await using var store = await EmbeddedStore.OpenAsync(_root, create: true, default);
        // The settings are made once per native connection: a pooled connection reopened keeps
        // them, and a new native connection (after the pool is cleared) gets them again.
        for (var round = 0; round < 2; round++)
        {
            for (var i = 0; i < 3; i++)
            {
                await using var first = await store.Database.OpenConnectionAsync(default);
                // A second connection open at the same time is another native connection.
                await using var second = await store.Database.OpenConnectionAsync(default);
                foreach (var c in new[] { first, second })
                {
                    await using var cmd = c.CreateCommand();
                    cmd.CommandText = "PRAGMA busy_timeout";
                    Convert.ToInt64(await cmd.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture).ShouldBe(SqliteDatabase.BusyTimeoutSeconds * 1000);
                    cmd.CommandText = "PRAGMA foreign_keys";
                    Convert.ToInt64(await cmd.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture).ShouldBe(1);
                    cmd.CommandText = "PRAGMA synchronous";
                    Convert.ToInt64(await cmd.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture).ShouldBe(1); // NORMAL
                }
            }
            SqliteConnection.ClearAllPools();
        }
    }

    [Fact]
    public async Task A_store_that_does_not_exist_is_not_created_unless_asked() =>
        (await Should.ThrowAsync<StoreException>(() => EmbeddedStore.OpenAsync(_root, create: false, default))).Message.ShouldContain("lockstep init");

    [Fact]
    public async Task A_store_from_a_newer_lockstep_is_refused()
    {
        await using (var store = await EmbeddedStore.OpenAsync(_root, create: true, default))
        {
            // what a newer Lockstep's migration does: the row and the header version together
            await ScalarAsync(store, "INSERT INTO schema_migrations(version, description) VALUES (999, 'future'); PRAGMA user_version = 999; SELECT 1");
        }
        SqliteConnection.ClearAllPools();
        (await Should.ThrowAsync<StoreException>(() => EmbeddedStore.OpenAsync(_root, create: false, default))).Message.ShouldContain("newer than this Lockstep");
    }

    [Fact]
    public async Task A_store_whose_header_does_not_know_its_version_is_checked_by_its_migration_table_and_marked()
    {
        await using (var store = await EmbeddedStore.OpenAsync(_root, create: true, default))
        {
            (await ScalarAsync(store, "PRAGMA user_version")).ShouldBe(SqliteDatabase.CurrentVersion);
            // a store written before the header carried the schema version
            await ScalarAsync(store, "PRAGMA user_version = 0; SELECT 1");
        }
        SqliteConnection.ClearAllPools();
        await using var again = await EmbeddedStore.OpenAsync(_root, create: false, default);
        (await ScalarAsync(again, "PRAGMA user_version")).ShouldBe(SqliteDatabase.CurrentVersion);
        (await ScalarAsync(again, "SELECT COUNT(*) FROM schema_migrations")).ShouldBe(Migrations.AllMigrations.List.Count);
    }

    [Fact]
    public async Task A_prediction_log_numbered_with_autoincrement_is_rebuilt_without_it_and_keeps_its_rows_and_numbers()
    {
        const string Row = "INSERT INTO predictions (request_id, row_index, at, model, version, bundle_hash, input_json, output_json, findings_json, latency_us, source) VALUES ('r', 0, '2026-11-24T00:00:00Z', 'm', 1, 'h', '{}', '{}', NULL, 5, 'http'); ";
        await using (var store = await EmbeddedStore.OpenAsync(_root, create: true, default))
        {
            // the log as migrations 4 and 5 made it, before migration 7, with rows 1 and 3 left
            await ScalarAsync(store, "DROP TABLE predictions; " + Migrations.PredictionLogMigration.PredictionLog.Sql + Migrations.PredictionLogMigration.PredictionBlocks.Sql + " SELECT 1");
            await ScalarAsync(store, Row + Row + Row + "DELETE FROM predictions WHERE seq = 2; DELETE FROM schema_migrations WHERE version = 7; PRAGMA user_version = 6; SELECT 1");
            (await ScalarAsync(store, "SELECT seq FROM sqlite_sequence WHERE name = 'predictions'")).ShouldBe(3);
        }
        SqliteConnection.ClearAllPools();
        await using var again = await EmbeddedStore.OpenAsync(_root, create: false, default);
        (await ScalarAsync(again, "SELECT group_concat(seq) = '1,3' FROM (SELECT seq FROM predictions ORDER BY seq)")).ShouldBe(1);
        (await ScalarAsync(again, "SELECT COUNT(*) FROM sqlite_schema WHERE name = 'predictions' AND sql LIKE '%AUTOINCREMENT%'")).ShouldBe(0);
        (await ScalarAsync(again, "SELECT COUNT(*) FROM sqlite_schema WHERE name = 'predictions_model_at'")).ShouldBe(1);
        (await ScalarAsync(again, "SELECT COUNT(*) FROM sqlite_sequence WHERE name = 'predictions'")).ShouldBe(0);
        (await ScalarAsync(again, Row + "SELECT MAX(seq) FROM predictions")).ShouldBe(4);
        (await ScalarAsync(again, "SELECT COUNT(*) FROM sqlite_sequence WHERE name = 'predictions'")).ShouldBe(0);
    }

    [Fact]
    public async Task A_store_with_a_newer_migration_row_but_an_older_header_is_still_refused()
    {
        await using (var store = await EmbeddedStore.OpenAsync(_root, create: true, default))
        {
            await ScalarAsync(store, "INSERT INTO schema_migrations(version, description) VALUES (999, 'future'); PRAGMA user_version = 0; SELECT 1");
        }
        SqliteConnection.ClearAllPools();
        (await Should.ThrowAsync<StoreException>(() => EmbeddedStore.OpenAsync(_root, create: false, default))).Message.ShouldContain("newer than this Lockstep");
    }

    [Fact]
    public async Task A_database_file_that_is_not_sqlite_is_a_clear_error()
    {
        Directory.CreateDirectory(_root);
        await File.WriteAllTextAsync(Path.Combine(_root, EmbeddedStore.DatabaseFile), "this is not a database, just text that is long enough to look like a header....");
        var e = await Should.ThrowAsync<StoreException>(() => EmbeddedStore.OpenAsync(_root, create: false, default));
        e.Message.ShouldContain("cannot open the store database");
    }

    [Fact]
    public async Task The_quick_check_finds_nothing_in_a_sound_database_and_names_a_damaged_page()
    {
        string path;
        long root;
        long pageSize;
        await using (var store = await EmbeddedStore.OpenAsync(_root, create: true, default))
        {
            var t = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
            for (var i = 0; i < 200; i++)
            {
                // Enough rows that the runs table is a tree of pages, not one leaf.
                await store.Metadata.CreateRunAsync(Run($"20260101-{i:000000}-aaaaaa", t.AddSeconds(i)), default);
            }
            (await store.Database.QuickCheckAsync(default)).ShouldBeEmpty();
            path = store.Database.Path;
            root = await ScalarAsync(store, "SELECT rootpage FROM sqlite_schema WHERE name = 'runs'");
            pageSize = await ScalarAsync(store, "PRAGMA page_size");
        }
        // The last connection's close checkpointed the WAL into the file: damage the runs table's
        // root page behind SQLite's back, as a disk fault would.
        SqliteConnection.ClearAllPools();
        await using (var file = new FileStream(path, FileMode.Open, FileAccess.Write))
        {
            file.Position = ((root - 1) * pageSize) + 8;
            await file.WriteAsync(Enumerable.Repeat((byte)0xA5, 64).ToArray());
        }

        await using var reopened = await EmbeddedStore.OpenAsync(_root, create: false, default);
        var problems = await reopened.Database.QuickCheckAsync(default);

        problems.ShouldNotBeEmpty();
        problems.ShouldContain(p => p.StartsWith($"Tree {root} page {root}", StringComparison.Ordinal), string.Join("\n", problems));
        problems.ShouldNotContain("*** in database main ***");
    }

    [Fact]
    public async Task Runs_are_found_by_id_by_unique_prefix_and_as_last()
    {
        await using var store = await EmbeddedStore.OpenAsync(_root, create: true, default);
        var t = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        await store.Metadata.CreateRunAsync(Run("20260101-000000-aaaaaa", t), default);
        await store.Metadata.CreateRunAsync(Run("20260101-000001-bbbbbb", t.AddSeconds(1)), default);
        (await store.Metadata.FindRunAsync("20260101-000000", default))!.Id.ShouldBe("20260101-000000-aaaaaa");
        (await store.Metadata.FindRunAsync("last", default))!.Id.ShouldBe("20260101-000001-bbbbbb");
        (await store.Metadata.FindRunAsync("nope", default)).ShouldBeNull();
        (await Should.ThrowAsync<LockstepException>(() => store.Metadata.FindRunAsync("2026", default))).Message.ShouldContain("ambiguous");
    }

    [Fact]
    public async Task A_step_record_and_its_cache_entry_are_written_together_and_read_back()
    {
        await using var store = await EmbeddedStore.OpenAsync(_root, create: true, default);
        await store.Metadata.CreateRunAsync(Run("r1", DateTimeOffset.UnixEpoch), default);
        var output = new ArtifactBinding("out", ContentHasher.HashString("o"), 1, null);
        var step = new StepRunRecord
        {
            RunId = "r1", StepId = "s", Type = "t", Status = StepStatus.Succeeded, Cached = false, CacheKey = "k", CacheReason = "first",
            KeyJson = "{}", CodeIdentity = "c", StartedAt = DateTimeOffset.UnixEpoch, ParametersJson = "{}",
            Inputs = [new ArtifactBinding("in", ContentHasher.HashString("i"), 1, "data.csv")],
            Outputs = [output],
            Metrics = new Dictionary<string, double> { ["auc"] = 0.9 },
        };
        await store.Metadata.RecordStepAsync(step, new CacheEntry("k", "r1", "s", [output], step.Metrics), default);
        var entry = await store.Metadata.FindCacheEntryAsync("k", default);
        entry!.Outputs.ShouldHaveSingleItem().Hash.ShouldBe(output.Hash);
        entry.Metrics["auc"].ShouldBe(0.9);
        var read = (await store.Metadata.GetStepRunsAsync("r1", default)).ShouldHaveSingleItem();
        read.Inputs.ShouldHaveSingleItem().Source.ShouldBe("data.csv");
        (await store.Metadata.GetReferencedObjectsAsync(default)).ShouldBe([ContentHasher.HashString("i"), output.Hash], ignoreOrder: true);
        (await store.Metadata.FindArtifactUsesAsync(output.Hash, default)).ShouldHaveSingleItem().IsOutput.ShouldBeTrue();
    }

    [Fact]
    public async Task Many_concurrent_writers_all_succeed()
    {
        await using var store = await EmbeddedStore.OpenAsync(_root, create: true, default);
        await Parallel.ForEachAsync(Enumerable.Range(0, 64), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
        {
            await using var other = await EmbeddedStore.OpenAsync(_root, create: false, ct);
            await other.Metadata.CreateRunAsync(Run($"run-{i:D3}", DateTimeOffset.UnixEpoch.AddSeconds(i)), ct);
            await other.Metadata.FinishRunAsync($"run-{i:D3}", RunStatus.Succeeded, DateTimeOffset.UnixEpoch.AddSeconds(i + 1), null, ct);
        });
        (await store.Metadata.ListRunsAsync(100, default)).Count.ShouldBe(64);
    }

    [Fact]
    public async Task Runs_of_dead_processes_are_marked_interrupted()
    {
        await using var store = await EmbeddedStore.OpenAsync(_root, create: true, default);
        await store.Metadata.CreateRunAsync(Run("dead", DateTimeOffset.UnixEpoch) with { ProcessId = 4242 }, default);
        await store.Metadata.CreateRunAsync(Run("alive", DateTimeOffset.UnixEpoch) with { ProcessId = 1 }, default);
        (await store.Metadata.MarkInterruptedRunsAsync("h", pid => pid == 1, DateTimeOffset.UnixEpoch, default)).ShouldBe(1);
        (await store.Metadata.FindRunAsync("dead", default))!.Status.ShouldBe(RunStatus.Interrupted);
        (await store.Metadata.FindRunAsync("alive", default))!.Status.ShouldBe(RunStatus.Running);
    }

    [Fact]
    public async Task An_exclusive_lock_waits_for_a_shared_one()
    {
        await using var store = await EmbeddedStore.OpenAsync(_root, create: true, default);
        var shared = await store.AcquireLockAsync("store", shared: true, default);
        var second = await store.AcquireLockAsync("store", shared: true, default);
        var exclusive = store.AcquireLockAsync("store", shared: false, default);
        await Task.Delay(100);
        exclusive.IsCompleted.ShouldBeFalse();
        await shared.DisposeAsync();
        await second.DisposeAsync();
        await using var taken = await exclusive.WaitAsync(TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task A_lock_is_taken_even_after_the_locks_folder_was_removed()
    {
        await using var store = await EmbeddedStore.OpenAsync(_root, create: true, default);
        Directory.Delete(Path.Combine(_root, "locks"), recursive: true);
        await using var taken = await store.AcquireLockAsync("store", shared: false, default).WaitAsync(TimeSpan.FromSeconds(20));
        File.Exists(Path.Combine(_root, "locks", "store.lock")).ShouldBeTrue();
    }
}
