using Lockstep.Pipelines;
using Lockstep.Planning;
using Lockstep.Running;
using Lockstep.Steps;
using Lockstep.Stores.Sqlite;

namespace Lockstep.Tests.Support;

/// <summary>A workspace in a temp folder with a real embedded store, and helpers to plan and run YAML.</summary>
public sealed class Harness : IAsyncDisposable
{
    private readonly TempDir _dir;

    private Harness(TempDir dir, EmbeddedStore store, StepTypeRegistry registry)
    {
        _dir = dir;
        Store = store;
        Registry = registry;
    }

    public EmbeddedStore Store { get; }
    public StepTypeRegistry Registry { get; }
    public ConcatStep Concat { get; } = new();
    public string Root => _dir.Path;

    public static async Task<Harness> CreateAsync(params IStepType[] extra)
    {
        var registry = new StepTypeRegistry().Add(new CommandStep());
        var dir = new TempDir();
        var store = await EmbeddedStore.OpenAsync(System.IO.Path.Combine(dir.Path, ".lockstep"), create: true, CancellationToken.None);
        var harness = new Harness(dir, store, registry);
        registry.Add(harness.Concat).Add(new SeededStep()).Add(new NondeterministicStep()).Add(new MeasurementStep());
        foreach (var type in extra)
        {
            registry.Add(type);
        }
        return harness;
    }

    public string File(string name, string content) => _dir.File(name, content);

    public ExecutionPlan Plan(string yaml, params string[] overrides) =>
        Planner.Plan(PipelineResolver.Resolve(PipelineLoader.Parse(yaml, System.IO.Path.Combine(Root, "lockstep.yaml")), overrides), Registry, Root);

    public Task<RunResult> RunAsync(string yaml, params string[] overrides) => RunAsync(yaml, new RunOptions(), overrides);

    public Task<RunResult> RunAsync(string yaml, RunOptions options, params string[] overrides) =>
        new Runner(Store, Registry).RunAsync(Plan(yaml, overrides), options, CancellationToken.None);

    public async ValueTask DisposeAsync()
    {
        await Store.DisposeAsync();
        _dir.Dispose();
    }
}
