using Lockstep.ML.Bundles;
using Lockstep.Serving.Logging;
using Lockstep.Serving.Scoring;
using Lockstep.Stores.Sqlite;
using Xunit;

namespace Lockstep.Serving.Tests.Support;

/// <summary>
/// A batch-scoring test's world: a real store in a folder of its own, its prediction log, and the
/// adult test bundle loaded as the server and `lockstep predict` load it; removed afterwards.
/// </summary>
public abstract class BatchStoreTest(string prefix) : IAsyncLifetime
{
    protected string Root { get; } = Path.Combine(Path.GetTempPath(), prefix + Guid.NewGuid().ToString("N"));

    protected EmbeddedStore Store { get; private set; } = null!;

    protected PredictionLog Log { get; private set; } = null!;

    protected IScoringModel Model { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Store = await EmbeddedStore.OpenAsync(Root, true, CancellationToken.None);
        Log = PredictionLog.Open(Store.Database.Path);
        var bundle = Path.Combine(Root, "adult.lsb");
        await File.WriteAllBytesAsync(bundle, TestBundles.V1);
        var source = new BundleFileSource(bundle, "adult", BundleLoadOptions.Strict);
        Model = await source.LoadAsync(await source.ResolveAsync(default), default);
    }

    public async Task DisposeAsync()
    {
        await Log.DisposeAsync();
        await Store.DisposeAsync();
        Directory.Delete(Root, true);
    }
}
