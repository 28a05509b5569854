using Lockstep.ML.Frames;
using Lockstep.ML.Steps;
using Lockstep.Pipelines;
using Lockstep.Planning;
using Lockstep.Running;
using Lockstep.Steps;
using Lockstep.Stores.Sqlite;

namespace Lockstep.ML.Tests.Steps;

/// <summary>A real workspace in a temporary folder: a pipeline file, a small adult CSV and an embedded SQLite store, run through the core planner and runner.</summary>
internal sealed class PipelineWorkspace : IAsyncDisposable
{
    private readonly TempFolder _temp;

    private PipelineWorkspace(TempFolder temp, EmbeddedStore store)
    {
        _temp = temp;
        Store = store;
    }

    public EmbeddedStore Store { get; }

    public string Root => _temp.Path;

    public static StepTypeRegistry Registry() => new StepTypeRegistry()
        .Add(new SplitStep()).Add(new TrainStep()).Add(new TuneStep()).Add(new EvaluateStep())
        .Add(new ProfileStep()).Add(new GateStep()).Add(new RegisterStep());

    public static async Task<PipelineWorkspace> CreateAsync(int rows = 2500)
    {
        var temp = new TempFolder();
        var store = await EmbeddedStore.OpenAsync(Path.Combine(temp.Path, ".lockstep"), create: true, default);
        var ws = new PipelineWorkspace(temp, store);
        await CsvFrameWriter.WriteAsync(TestData.AdultSample(rows), Path.Combine(ws.Root, "adult.csv"), default);
        return ws;
    }

    public async Task<RunResult> RunAsync(string yaml, string? reproduce = null)
    {
        var file = Path.Combine(Root, "lockstep.yaml");
        await File.WriteAllTextAsync(file, yaml);
        var pipeline = PipelineResolver.Resolve(PipelineLoader.Parse(yaml, file), []);
        var plan = Planner.Plan(pipeline, Registry(), Root);
        return await new Runner(Store, Registry()).RunAsync(plan, new RunOptions { MaxParallelism = 1 }, default);
    }

    public Task<ReproductionReport> ReproduceAsync(string runId) =>
        new Reproducer(Store, Registry()).ReproduceAsync(runId, new RunOptions { MaxParallelism = 1 }, default);

    public async ValueTask DisposeAsync()
    {
        await Store.DisposeAsync();
        _temp.Dispose();
    }
}
