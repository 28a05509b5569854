using System.Net.Http.Headers;
using System.Text;
using Lockstep.Hashing;
using Lockstep.ML.Bundles;
using Lockstep.Serving.Http;
using Lockstep.Serving.Logging;
using Lockstep.Serving.Scoring;
using Lockstep.Storage;
using Lockstep.Stores.Sqlite;

namespace Lockstep.Serving.Tests.Support;

/// <summary>
/// A real store in a temp folder with two real adult bundles registered (adult@1, adult@2) and
/// <c>production</c> on version 1, a real prediction log, and a real Kestrel server on 127.0.0.1
/// (free port) serving <c>adult@production</c> from the registry.
/// </summary>
internal sealed class ServerFixture : IAsyncDisposable
{
    private ServerFixture(string root, EmbeddedStore store, PredictionLog log, ModelServer server)
    {
        Root = root;
        Store = store;
        Log = log;
        Server = server;
        Client = new HttpClient { BaseAddress = server.Address };
    }

    public string Root { get; }

    public EmbeddedStore Store { get; }

    public PredictionLog Log { get; }

    public ModelServer Server { get; }

    public HttpClient Client { get; }

    public PredictionLogReader Reader => new(Store.Database);

    public static async Task<ServerFixture> StartAsync(ServerOptions? options = null)
    {
        var root = Path.Combine(Path.GetTempPath(), "lockstep-serving-" + Guid.NewGuid().ToString("N"));
        var store = await EmbeddedStore.OpenAsync(root, create: true, CancellationToken.None);
        await RegisterAsync(store, TestBundles.V1);
        await RegisterAsync(store, TestBundles.V2);
        await store.Models.MoveAliasAsync("adult", "production", 1, "tests", "first release", CancellationToken.None);
        var log = PredictionLog.Open(store.Database.Path);
        var source = new RegistryModelSource(store, ModelReference.Parse("adult@production"), BundleLoadOptions.Strict);
        var server = await ModelServer.StartAsync((options ?? new ServerOptions()) with { Port = 0, PollInterval = TimeSpan.FromMilliseconds(50) }, source, log, TimeProvider.System, CancellationToken.None);
        return new ServerFixture(root, store, log, server);
    }

    public static async Task<ModelVersion> RegisterAsync(EmbeddedStore store, byte[] bundle)
    {
        var stored = await store.Objects.PutBytesAsync(bundle, CancellationToken.None);
        return await store.Models.RegisterAsync(new ModelRegistration("adult", stored.Hash, "run-test", "train", "{}", "{}", "tests"), CancellationToken.None);
    }

    public static StringContent Json(string json) => new(json, Encoding.UTF8, new MediaTypeHeaderValue("application/json"));

    public Task<HttpResponseMessage> PredictAsync(string json, string model = "adult") =>
        Client.PostAsync($"v1/models/{model}/predict", Json(json));

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Server.DisposeAsync();
        await Log.DisposeAsync();
        await Store.DisposeAsync();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
