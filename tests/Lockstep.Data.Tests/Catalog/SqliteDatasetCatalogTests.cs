using Lockstep.Hashing;
using Lockstep.Storage;
using Lockstep.Stores.Sqlite;

namespace Lockstep.Data.Tests.Catalog;

public sealed class SqliteDatasetCatalogTests
{
    private static NewDatasetVersion Entry(string name, string content) => new(name, ContentHasher.HashString(content), ContentHasher.HashString("stats" + content),
        10, 3, "file.csv", "run-1", "ingest", new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero));

    [Fact]
    public async Task Versions_count_up_per_name_and_the_same_snapshot_keeps_its_version()
    {
        using var tmp = new TempFolder();
        await using var store = await EmbeddedStore.OpenAsync(tmp.Path, create: true, CancellationToken.None);
        var cat = store.Datasets;
        (await cat.RegisterAsync(Entry("a", "1"), CancellationToken.None)).Version.ShouldBe(1);
        (await cat.RegisterAsync(Entry("a", "2"), CancellationToken.None)).Version.ShouldBe(2);
        (await cat.RegisterAsync(Entry("a", "1"), CancellationToken.None)).Version.ShouldBe(1);
        (await cat.RegisterAsync(Entry("b", "1"), CancellationToken.None)).Version.ShouldBe(1);
        (await cat.FindAsync("a", null, CancellationToken.None))!.Version.ShouldBe(2);
        var v1 = (await cat.FindAsync("a", 1, CancellationToken.None))!;
        v1.Snapshot.ShouldBe(ContentHasher.HashString("1"));
        v1.CreatedAt.ShouldBe(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero));
        (await cat.FindAsync("a", 9, CancellationToken.None)).ShouldBeNull();
        (await cat.ListLatestAsync(CancellationToken.None)).Select(v => v.ToString()).ShouldBe(["a@2", "b@1"]);
    }

    [Fact]
    public async Task Garbage_collection_keeps_catalogued_snapshots()
    {
        using var tmp = new TempFolder();
        await using var store = await EmbeddedStore.OpenAsync(tmp.Path, create: true, CancellationToken.None);
        await store.Datasets.RegisterAsync(Entry("a", "x"), CancellationToken.None);
        var referenced = await store.Metadata.GetReferencedObjectsAsync(CancellationToken.None);
        referenced.ShouldContain(ContentHasher.HashString("x"));
        referenced.ShouldContain(ContentHasher.HashString("statsx"));
    }
}
