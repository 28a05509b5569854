using System.IO.Compression;
using System.Text;
using Lockstep.Data.Ingest;
using Lockstep.Data.Snapshots;
using Lockstep.Data.Tables;
using Microsoft.Data.Sqlite;

namespace Lockstep.Data.Tests.Ingest;

public sealed class OtherSourceTests
{
    private static Task<IngestResult> Ingest(TempFolder tmp, string path, string? query, IngestOptions? options = null) =>
        SourceIngest.IngestAsync(path, Path.GetFileName(path), query, options ?? new IngestOptions(), tmp.File("s.parquet"), tmp.File("r.jsonl"), tmp.Path, null, CancellationToken.None);

    [Fact]
    public async Task A_sqlite_query_is_ingested_with_nulls_and_ordered_by_the_declared_key()
    {
        using var tmp = new TempFolder();
        var db = tmp.File("data.db");
        await using (var c = new SqliteConnection($"Data Source={db};Pooling=false"))
        {
            await c.OpenAsync();
            await using var cmd = c.CreateCommand();
            cmd.CommandText = "CREATE TABLE t(id INTEGER, score REAL, name TEXT); INSERT INTO t VALUES (3, 1.5, 'c'), (1, NULL, 'a'), (2, 2.25, NULL);";
            await cmd.ExecuteNonQueryAsync();
        }
        var r = await Ingest(tmp, db, "SELECT id, score, name FROM t", new IngestOptions { Key = ["id"] });
        r.RowCount.ShouldBe(3);
        var t = await SnapshotFile.ReadAsync(tmp.File("s.parquet"), CancellationToken.None);
        t["id"].Type.ShouldBe(ColumnType.Int64);
        t["score"].Type.ShouldBe(ColumnType.Double);
        Enumerable.Range(0, 3).Select(i => t["id"].GetInt64(i)).ShouldBe([1L, 2L, 3L]);
        t["score"].IsNull(0).ShouldBeTrue();
        t["name"].IsNull(1).ShouldBeTrue();
        t["score"].GetDouble(1).ShouldBe(2.25);
    }

    [Fact]
    public async Task A_sqlite_database_without_a_query_or_with_a_broken_one_is_a_clear_error()
    {
        using var tmp = new TempFolder();
        var db = tmp.File("data.db");
        await using (var c = new SqliteConnection($"Data Source={db};Pooling=false"))
        {
            await c.OpenAsync();
            await using var cmd = c.CreateCommand();
            cmd.CommandText = "CREATE TABLE t(id INTEGER);";
            await cmd.ExecuteNonQueryAsync();
        }
        (await Should.ThrowAsync<DataException>(() => Ingest(tmp, db, null))).Message.ShouldContain("give the rows to read with 'query:");
        (await Should.ThrowAsync<DataException>(() => Ingest(tmp, db, "SELECT nope FROM t"))).Message.ShouldContain("the SQLite query failed");
    }

    [Fact]
    public async Task A_sqlite_source_damaged_after_its_first_rows_is_a_data_error_naming_the_row()
    {
        using var tmp = new TempFolder();
        var db = tmp.File("data.db");
        long pages;
        long pageSize;
        await using (var c = new SqliteConnection($"Data Source={db};Pooling=false"))
        {
            await c.OpenAsync();
            await using var cmd = c.CreateCommand();
            cmd.CommandText = "CREATE TABLE t(id INTEGER, name TEXT); WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000) INSERT INTO t SELECT i, printf('row %04d of a table that spans many pages', i) FROM n;";
            await cmd.ExecuteNonQueryAsync();
            cmd.CommandText = "PRAGMA page_count";
            pages = (long)(await cmd.ExecuteScalarAsync())!;
            cmd.CommandText = "PRAGMA page_size";
            pageSize = (long)(await cmd.ExecuteScalarAsync())!;
        }
        await using (var file = new FileStream(db, FileMode.Open, FileAccess.Write))
        {
            // The last page holds the table's last rows: its page type becomes one SQLite does not know.
            file.Position = (pages - 1) * pageSize;
            file.WriteByte(0xFF);
        }

        var e = await Should.ThrowAsync<DataException>(() => Ingest(tmp, db, "SELECT id, name FROM t"));

        e.Message.ShouldContain("data.db (query) row ");
        e.Message.ShouldContain("reading the SQLite file failed");
        e.Message.ShouldContain("malformed");
    }

    [Fact]
    public async Task A_foreign_parquet_file_is_ingested_as_a_snapshot()
    {
        using var tmp = new TempFolder();
        var src = tmp.File("foreign.parquet");
        var table = new Table([Column.FromInt64("a", [1, null, 3]), Column.FromString("b", ["x", "y", null]), Column.FromDouble("c", [0.1, 2, 3])]);
        await SnapshotFile.WriteAsync(table, src, CancellationToken.None);
        var r = await Ingest(tmp, src, null);
        r.RowCount.ShouldBe(3);
        var back = await SnapshotFile.ReadAsync(tmp.File("s.parquet"), CancellationToken.None);
        back.Layout.ShouldBe(table.Layout);
        back["c"].GetDouble(0).ShouldBe(0.1);
        back["a"].IsNull(1).ShouldBeTrue();
        back["b"].IsNull(2).ShouldBeTrue();
    }

    [Fact]
    public async Task Gzip_is_detected_by_its_bytes_not_its_name()
    {
        using var tmp = new TempFolder();
        var path = tmp.File("data.txt");
        await using (var f = File.Create(path))
        await using (var gz = new GZipStream(f, CompressionLevel.Fastest))
        {
            gz.Write(Encoding.UTF8.GetBytes("a,b\n1,2\n3,4\n"));
        }
        (await Ingest(tmp, path, null)).RowCount.ShouldBe(2);
    }
}
