using Lockstep.ML.Bundles;
using Lockstep.Serving.Http;
using Lockstep.Serving.Logging;
using Lockstep.Serving.Scoring;
using Lockstep.Stores.Sqlite;

// Usage: TestHost STORE_ROOT BUNDLE ADDRESS_FILE — serves the bundle as model "adult" on
// 127.0.0.1 (free port) and writes the bound address to ADDRESS_FILE once ready.
var store = await EmbeddedStore.OpenAsync(args[0], create: true, CancellationToken.None);
var log = PredictionLog.Open(store.Database.Path);
var source = new BundleFileSource(args[1], "adult", BundleLoadOptions.Strict);
var server = await ModelServer.StartAsync(new ServerOptions { Port = 0 }, source, log, TimeProvider.System, CancellationToken.None);
await File.WriteAllTextAsync(args[2] + ".tmp", server.Address.ToString());
File.Move(args[2] + ".tmp", args[2], overwrite: true);
await server.WaitForShutdownAsync(CancellationToken.None);
await server.DisposeAsync();
await log.DisposeAsync();
await store.DisposeAsync();
