using Lockstep.Errors;
using Lockstep.Hashing;
using Lockstep.Storage;
using Lockstep.Stores.Sqlite;
using Lockstep.Stores.Sqlite.Migrations;

namespace Lockstep.ML.Tests.Storage;

/// <summary>The model registry on a real SQLite store in a temporary folder.</summary>
public sealed class SqliteModelRegistryTests : IAsyncLifetime
{
    private readonly TempFolder _temp = new();
    private EmbeddedStore _store = null!;

    public async Task InitializeAsync() => _store = await EmbeddedStore.OpenAsync(_temp.Path, create: true, default);

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        _temp.Dispose();
    }

    private static ModelRegistration Registration(string name, string content, string run = "run-1") =>
        new(name, ContentHasher.HashString(content), run, "register", "{\"config\":\"abc\"}", "{\"auc\":0.9}", "tester");

    [Fact]
    public async Task Versions_are_numbered_from_one_per_model_name()
    {
        var a1 = await _store.Models.RegisterAsync(Registration("adult", "a"), default);
        var a2 = await _store.Models.RegisterAsync(Registration("adult", "b"), default);
        var t1 = await _store.Models.RegisterAsync(Registration("titanic", "c"), default);

        (a1.Version, a2.Version, t1.Version).ShouldBe((1, 2, 1));
        a2.RunId.ShouldBe("run-1");
        a2.MetricsJson.ShouldBe("{\"auc\":0.9}");
    }

    [Fact]
    public async Task Registering_the_same_bundle_again_returns_the_existing_version()
    {
        var first = await _store.Models.RegisterAsync(Registration("adult", "a"), default);
        var again = await _store.Models.RegisterAsync(Registration("adult", "a", run: "run-2"), default);

        again.Version.ShouldBe(first.Version);
        again.RunId.ShouldBe("run-1");
        (await _store.Models.ListVersionsAsync("adult", default)).Count.ShouldBe(1);
    }

    [Fact]
    public async Task A_reference_finds_the_latest_a_numbered_or_an_aliased_version()
    {
        await _store.Models.RegisterAsync(Registration("adult", "a"), default);
        await _store.Models.RegisterAsync(Registration("adult", "b"), default);
        await _store.Models.MoveAliasAsync("adult", "production", 1, "alice", "first release", default);

        (await _store.Models.FindAsync(ModelReference.Parse("adult"), default))!.Version.ShouldBe(2);
        (await _store.Models.FindAsync(ModelReference.Parse("adult@2"), default))!.Version.ShouldBe(2);
        var production = await _store.Models.FindAsync(ModelReference.Parse("adult@production"), default);
        production!.Version.ShouldBe(1);
        production.Aliases.ShouldBe(["production"]);
        (await _store.Models.FindAsync(ModelReference.Parse("adult@staging"), default)).ShouldBeNull();
        (await _store.Models.FindAsync(ModelReference.Parse("adult@7"), default)).ShouldBeNull();
        (await _store.Models.FindAsync(ModelReference.Parse("nobody"), default)).ShouldBeNull();
    }

    [Fact]
    public async Task Every_alias_move_is_recorded_with_who_from_to_and_why()
    {
        await _store.Models.RegisterAsync(Registration("adult", "a"), default);
        await _store.Models.RegisterAsync(Registration("adult", "b"), default);
        await _store.Models.MoveAliasAsync("adult", "production", 1, "alice", "first", default);
        await _store.Models.MoveAliasAsync("adult", "production", 2, "bob", "better auc", default);
        await _store.Models.MoveAliasAsync("adult", "staging", 2, "bob", null, default);
        await _store.Models.RemoveAliasAsync("adult", "staging", "carol", "cleanup", default);

        var history = await _store.Models.AliasHistoryAsync("adult", "production", default);
        history.Select(m => (m.FromVersion, m.ToVersion, m.MovedBy, m.Reason)).ShouldBe([(null, 1, "alice", "first"), (1, 2, "bob", "better auc")]);
        (await _store.Models.AliasHistoryAsync("adult", null, default)).Count.ShouldBe(4);
        var model = (await _store.Models.ListModelsAsync(default)).ShouldHaveSingleItem();
        model.Aliases.ShouldBe(new Dictionary<string, int> { ["production"] = 2 });
        model.LatestVersion.ShouldBe(2);
    }

    [Fact]
    public async Task Moving_an_alias_to_a_version_that_does_not_exist_is_refused_and_changes_nothing()
    {
        await _store.Models.RegisterAsync(Registration("adult", "a"), default);

        var error = await Should.ThrowAsync<StoreException>(() => _store.Models.MoveAliasAsync("adult", "production", 5, "alice", null, default));

        error.Message.ShouldContain("has no version 5; its versions are 1 to 1");
        (await _store.Models.AliasHistoryAsync("adult", null, default)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Invalid_names_and_aliases_are_refused_with_the_rule()
    {
        await Should.ThrowAsync<ArgumentException>(() => _store.Models.RegisterAsync(Registration("bad name", "a"), default));
        await _store.Models.RegisterAsync(Registration("adult", "a"), default);
        var error = await Should.ThrowAsync<ArgumentException>(() => _store.Models.MoveAliasAsync("adult", "1st", 1, "a", null, default));
        error.Message.ShouldContain("starting with a letter");
    }

    [Fact]
    public void Garbage_collection_keeps_every_registered_bundle()
    {
        AllMigrations.ReferenceQueries.ShouldContain("SELECT bundle_hash FROM model_versions");
    }

    [Fact]
    public async Task Concurrent_registrations_get_distinct_version_numbers()
    {
        var tasks = Enumerable.Range(0, 8).Select(i => Task.Run(() => _store.Models.RegisterAsync(Registration("adult", "m" + i), default)));

        var versions = await Task.WhenAll(tasks);

        versions.Select(v => v.Version).Order().ShouldBe(Enumerable.Range(1, 8));
    }

    [Theory]
    [InlineData("adult", "adult", null, null)]
    [InlineData("adult@3", "adult", 3, null)]
    [InlineData("adult@production", "adult", null, "production")]
    public void References_parse_into_name_version_and_alias(string text, string name, int? version, string? alias)
    {
        ModelReference.Parse(text).ShouldBe(new ModelReference(name, version, alias));
        ModelReference.Parse(text).ToString().ShouldBe(text);
    }

    [Theory]
    [InlineData("")]
    [InlineData("@3")]
    [InlineData("adult@")]
    [InlineData("adult@0")]
    [InlineData("a b")]
    public void Malformed_references_are_refused(string text)
    {
        ModelReference.TryParse(text, out _).ShouldBeFalse();
    }
}
