using Lockstep.Serving.Http;
using Lockstep.Serving.Logging;
using Lockstep.Serving.Tests.Support;
using Lockstep.Stores.Sqlite;

// Usage: TestHost STORE_ROOT ADDRESS_FILE — serves the test model on 127.0.0.1 (free port) and
// writes the bound address to ADDRESS_FILE once ready.
var store = await EmbeddedStore.OpenAsync(args[0], create: true, CancellationToken.None);
var log = PredictionLog.Open(store.Database.Path);
var server = await ModelServer.StartAsync(new ServerOptions { Port = 0 }, new MovableModelSource("adult"), log, TimeProvider.System, CancellationToken.None);
await File.WriteAllTextAsync(args[1] + ".tmp", server.Address.ToString());
File.Move(args[1] + ".tmp", args[1], overwrite: true);
await server.WaitForShutdownAsync(CancellationToken.None);
await server.DisposeAsync();
await log.DisposeAsync();
await store.DisposeAsync();
