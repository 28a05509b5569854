using Lockstep.Errors;
using Lockstep.ML.Bundles;
using Lockstep.Serving.Http;
using Lockstep.Serving.Logging;
using Lockstep.Serving.Scoring;
using Lockstep.Serving.Tests.Support;
using Lockstep.Stores.Sqlite;
using Shouldly;
using Xunit;

namespace Lockstep.Serving.Tests.Http;

public sealed class BundleRefusalTests : IAsyncLifetime
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "lockstep-refusal-" + Guid.NewGuid().ToString("N"));
    private EmbeddedStore _store = null!;
    private PredictionLog _log = null!;

    public async Task InitializeAsync()
    {
        _store = await EmbeddedStore.OpenAsync(_root, true, CancellationToken.None);
        _log = PredictionLog.Open(_store.Database.Path);
    }

    public async Task DisposeAsync()
    {
        await _log.DisposeAsync();
        await _store.DisposeAsync();
        Directory.Delete(_root, true);
    }

    [Fact]
    public async Task The_server_refuses_to_start_with_a_tampered_bundle_and_names_the_entry()
    {
        var path = Path.Combine(_root, "tampered.lsb");
        await File.WriteAllBytesAsync(path, TestBundles.Tampered());

        var error = await Should.ThrowAsync<LockstepException>(() => StartAsync(path));

        error.Message.ShouldContain("metrics.json");
    }

    [Fact]
    public async Task The_server_refuses_to_start_with_a_bundle_whose_environment_lock_does_not_match()
    {
        var path = Path.Combine(_root, "other-env.lsb");
        await File.WriteAllBytesAsync(path, TestBundles.OtherEnvironment());

        var error = await Should.ThrowAsync<LockstepException>(() => StartAsync(path));

        error.Message.ShouldContain("runtime: bundle has .NET 8.0.0");
    }

    private Task<ModelServer> StartAsync(string bundle) =>
        ModelServer.StartAsync(new ServerOptions { Port = 0 }, new BundleFileSource(bundle, "adult", BundleLoadOptions.Strict), _log, TimeProvider.System, CancellationToken.None);
}
