using Lockstep.Data.Steps;
using Lockstep.Pipelines;
using Lockstep.Planning;
using Lockstep.Running;
using Lockstep.Steps;
using Lockstep.Stores.Sqlite;

namespace Lockstep.Data.Tests.Steps;

/// <summary>A real workspace in a temp folder: a pipeline, the embedded SQLite store and the core runner.</summary>
internal sealed class PipelineHarness : IAsyncDisposable
{
    private readonly TempFolder _tmp = new();

    public string Root => _tmp.Path;

    public EmbeddedStore Store { get; private set; } = null!;

    public static async Task<PipelineHarness> CreateAsync()
    {
        var h = new PipelineHarness();
        h.Store = await EmbeddedStore.OpenAsync(Path.Combine(h.Root, ".lockstep"), create: true, CancellationToken.None);
        return h;
    }

    public string Write(string name, string text) => _tmp.Write(name, text);

    public async Task<RunResult> RunAsync(string yaml)
    {
        var registry = new StepTypeRegistry().Add(new IngestStep()).Add(new DatasetStep()).Add(new ValidateStep());
        var pipeline = PipelineLoader.Parse(yaml, Path.Combine(Root, "lockstep.yaml"));
        var plan = Planner.Plan(pipeline, registry, Root);
        return await new Runner(Store, registry).RunAsync(plan, new RunOptions { MaxParallelism = 1 }, CancellationToken.None);
    }

    public async Task<string> OutputPathAsync(RunResult run, string step, string output)
    {
        var hash = run.Steps.Single(s => s.StepId == step).Outputs.Single(o => o.Name == output).Hash;
        return await Store.Objects.GetVerifiedPathAsync(hash, CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        await Store.DisposeAsync();
        _tmp.Dispose();
    }
}
