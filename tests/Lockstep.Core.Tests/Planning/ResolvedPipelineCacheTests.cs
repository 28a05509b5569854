using Lockstep.Errors;
using Lockstep.Planning;

namespace Lockstep.Tests.Planning;

public sealed class ResolvedPipelineCacheTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "lockstep-resolved-" + Guid.NewGuid().ToString("N"));
    private readonly string _pipeline;
    private readonly string _store;

    public ResolvedPipelineCacheTests()
    {
        Directory.CreateDirectory(_root);
        _pipeline = Path.Combine(_root, "lockstep.yaml");
        _store = Path.Combine(_root, ".lockstep");
        Directory.CreateDirectory(_store);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static string RepoFile(string relative)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Lockstep.slnx")))
        {
            dir = dir.Parent;
        }
        return Path.Combine(dir!.FullName, relative);
    }

    private string[] CacheFiles() =>
        Directory.Exists(Path.Combine(_store, ResolvedPipelineCache.FolderName))
            ? Directory.GetFiles(Path.Combine(_store, ResolvedPipelineCache.FolderName))
            : [];

    [Theory]
    [InlineData("examples/adult/lockstep.yaml")]
    [InlineData("examples/census-shell/lockstep.yaml")]
    public async Task A_cached_pipeline_resolves_to_exactly_the_configuration_the_parser_gives(string example)
    {
        File.Copy(RepoFile(example), _pipeline);
        string[] overrides = ["seed=7"];
        var parsed = await ResolvedPipelineCache.LoadAsync(_pipeline, _store, overrides, default);
        CacheFiles().Length.ShouldBe(1);
        var cached = await ResolvedPipelineCache.LoadAsync(_pipeline, _store, overrides, default);
        cached.ToCanonicalJson().ShouldBe(parsed.ToCanonicalJson());
        cached.SourceFile.ShouldBe(_pipeline);
        cached.Steps.Select(s => s.Id).ShouldBe(parsed.Steps.Select(s => s.Id));
    }

    [Fact]
    public async Task Different_overrides_are_resolved_and_kept_separately()
    {
        await File.WriteAllTextAsync(_pipeline, """
            version: 1
            name: p
            params: {n: 1}
            steps:
              - {id: a, type: command, outputs: [x], params: {run: "echo ${params.n} > ${outputs.x}"}}
            """);
        var one = await ResolvedPipelineCache.LoadAsync(_pipeline, _store, [], default);
        var two = await ResolvedPipelineCache.LoadAsync(_pipeline, _store, ["params.n=2"], default);
        CacheFiles().Length.ShouldBe(2);
        (await ResolvedPipelineCache.LoadAsync(_pipeline, _store, ["params.n=2"], default)).Steps[0].Parameters["run"].Display.ShouldContain("echo 2");
        one.Steps[0].Parameters["run"].Display.ShouldContain("echo 1");
        two.Steps[0].Parameters["run"].Display.ShouldContain("echo 2");
    }

    [Fact]
    public async Task An_edited_file_with_a_mistake_is_parsed_again_and_its_error_keeps_line_and_column()
    {
        await File.WriteAllTextAsync(_pipeline, "version: 1\nname: p\nsteps:\n  - {id: a, type: command, outputs: [x], params: {run: \"true\"}}\n");
        await ResolvedPipelineCache.LoadAsync(_pipeline, _store, [], default);
        await File.WriteAllTextAsync(_pipeline, "version: 1\nname: p\nsteps:\n  - {id: a, type: command, outputs: [x], params: {run: \"true\"}}\n  - id: b\n    typo: 1\n");
        var e = await Should.ThrowAsync<PipelineException>(() => ResolvedPipelineCache.LoadAsync(_pipeline, _store, [], default));
        e.Message.ShouldContain("lockstep.yaml:6:");
        CacheFiles().Length.ShouldBe(1);
    }

    [Fact]
    public async Task A_damaged_cache_file_is_ignored_and_replaced()
    {
        await File.WriteAllTextAsync(_pipeline, "version: 1\nname: p\nsteps:\n  - {id: a, type: command, outputs: [x], params: {run: \"true\"}}\n");
        var first = await ResolvedPipelineCache.LoadAsync(_pipeline, _store, [], default);
        await File.WriteAllTextAsync(CacheFiles().Single(), "{ not json");
        var again = await ResolvedPipelineCache.LoadAsync(_pipeline, _store, [], default);
        again.ToCanonicalJson().ShouldBe(first.ToCanonicalJson());
        (await File.ReadAllTextAsync(CacheFiles().Single())).ShouldBe(first.ToCanonicalJson());
    }

    [Fact]
    public async Task Nothing_is_written_where_there_is_no_store_yet()
    {
        Directory.Delete(_store);
        await File.WriteAllTextAsync(_pipeline, "version: 1\nname: p\nsteps:\n  - {id: a, type: command, outputs: [x], params: {run: \"true\"}}\n");
        await ResolvedPipelineCache.LoadAsync(_pipeline, _store, [], default);
        Directory.Exists(_store).ShouldBeFalse();
    }
}
