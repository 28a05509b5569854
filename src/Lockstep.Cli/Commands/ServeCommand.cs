using System.CommandLine;
using System.Text.Json.Nodes;
using Lockstep.Errors;
using Lockstep.ML.Bundles;
using Lockstep.Serving.Http;
using Lockstep.Serving.Logging;
using Lockstep.Serving.Scoring;

namespace Lockstep.Cli.Commands;

/// <summary><c>lockstep serve NAME@ALIAS | BUNDLE</c>: the HTTP model server.</summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var target = new Argument<string>("MODEL") { Description = "NAME@ALIAS (e.g. adult@production, followed as the alias moves), NAME@VERSION, or a bundle file (.lsb)" };
        var port = new Option<int>("--port", "-p") { Description = "Port to listen on (0: any free port)", DefaultValueFactory = _ => 8080 };
        var host = new Option<string>("--host") { Description = "Address to bind; a non-loopback address needs API keys or --allow-unauthenticated", DefaultValueFactory = _ => "127.0.0.1" };
        var keysFile = new Option<string?>("--api-keys-file") { Description = "File with accepted API keys, one per line (clients send X-Api-Key or Authorization: Bearer); also read from LOCKSTEP_API_KEYS (comma-separated)" };
        var allowUnauthenticated = new Option<bool>("--allow-unauthenticated") { Description = "Allow a non-loopback bind without API keys" };
        var policy = new Option<string>("--on-invalid") { Description = "reject: answer 400 listing each field (default); flag: score anyway and mark the prediction", DefaultValueFactory = _ => "reject" };
        var maxBody = new Option<long>("--max-body-bytes") { Description = "Largest request body accepted", DefaultValueFactory = _ => 1 << 20 };
        var maxBatch = new Option<int>("--max-batch") { Description = "Most rows in one request", DefaultValueFactory = _ => 1000 };
        var poll = new Option<double>("--poll-seconds") { Description = "How often an alias is checked for a new version", DefaultValueFactory = _ => 2 };
        var name = new Option<string?>("--name") { Description = "Model name for a bundle file (default: the file name)" };
        var durability = new Option<string>("--log-durability") { Description = "process (default): a prediction is answered once its commit reached the OS (survives a server crash or SIGKILL, not power loss or a kernel crash); full: also fsynced per group commit (survives power loss; each answer waits for the disk's fsync)", DefaultValueFactory = _ => "process" };
        var envOverride = new Option<string?>("--allow-environment-mismatch") { Description = "Load a bundle trained in another environment anyway; give the reason (it is recorded)" };
        var command = new Command("serve", "Serve a model over HTTP: validated predictions, each durably logged before it is answered");
        command.Arguments.Add(target);
        foreach (var o in new Option[] { port, host, keysFile, allowUnauthenticated, policy, maxBody, maxBatch, poll, name, durability, envOverride })
        {
            command.Options.Add(o);
        }
        LockstepCli.SetAction(command, async (session, ct) =>
        {
            var p = session.Parse;
            var onInvalid = p.GetValue(policy) switch
            {
                "reject" => ValidationPolicy.Reject,
                "flag" => ValidationPolicy.Flag,
                var other => throw new ArgumentsException($"--on-invalid '{other}' is not 'reject' or 'flag'"),
            };
            var logDurability = p.GetValue(durability) switch
            {
                "full" => LogDurability.Full,
                "process" => LogDurability.Process,
                var other => throw new ArgumentsException($"--log-durability '{other}' is not 'full' or 'process'"),
            };
            if (p.GetValue(port) is < 0 or > 65535)
            {
                throw new ArgumentsException($"--port must be between 0 and 65535, not {p.GetValue(port)}");
            }
            ArgumentsException.AtLeast("--max-batch", p.GetValue(maxBatch), 1);
            if (p.GetValue(maxBody) < 1)
            {
                throw new ArgumentsException($"--max-body-bytes must be at least 1, not {p.GetValue(maxBody)}");
            }
            if (!(p.GetValue(poll) > 0))
            {
                throw new ArgumentsException($"--poll-seconds must be more than 0, not {p.GetValue(poll)}");
            }
            var keys = new List<string>(ApiKeySet.FromEnvironment("LOCKSTEP_API_KEYS"));
            if (p.GetValue(keysFile) is { } file)
            {
                keys.AddRange(await ApiKeySet.ReadFileAsync(file, ct).ConfigureAwait(false));
            }
            var load = p.GetValue(envOverride) is { } reason
                ? new BundleLoadOptions { AllowEnvironmentMismatch = true, OverrideReason = reason, WarmEngines = Environment.ProcessorCount }
                : new BundleLoadOptions { WarmEngines = Environment.ProcessorCount };
            var store = await session.OpenStoreAsync(ct, create: true).ConfigureAwait(false);
            var modelArg = p.GetValue(target)!;
            var source = ModelTarget.IsFile(modelArg) ? ModelTarget.FromFile(modelArg, p.GetValue(name), load) : ModelTarget.FromRegistry(modelArg, store, load);
            var options = new ServerOptions
            {
                Host = p.GetValue(host)!,
                Port = p.GetValue(port),
                ApiKeys = keys,
                AllowUnauthenticated = p.GetValue(allowUnauthenticated),
                MaxBodyBytes = p.GetValue(maxBody),
                MaxBatchRows = p.GetValue(maxBatch),
                Policy = onInvalid,
                PollInterval = TimeSpan.FromSeconds(Math.Max(0.05, p.GetValue(poll))),
                ConsoleLogging = !session.Json,
            };
            await using var log = PredictionLog.Open(store.Database.Path, logDurability);
            ModelServer server;
            try
            {
                server = await ModelServer.StartAsync(options, source, log, TimeProvider.System, ct).ConfigureAwait(false);
            }
            catch (IOException e)
            {
                throw new LockstepException($"cannot listen on {options.Host}:{options.Port}: {e.Message}; pick another --port (0 picks a free one)");
            }
            await using (server.ConfigureAwait(false))
            {
                var model = server.Holder.Current!;
                if (session.Json)
                {
                    session.WriteJson(new JsonObject { ["address"] = server.Address.ToString(), ["model"] = model.Name, ["version"] = model.Version, ["bundle_hash"] = model.BundleHash, ["source"] = source.Description });
                }
                else
                {
                    session.Out.WriteLine($"serving {source.Description}: {model.Name} version {model.Version} (bundle {model.BundleHash[..12]}) at {server.Address}");
                    session.Out.WriteLine($"  POST {server.Address}v1/models/{model.Name}/predict   GET /health /ready /metrics /openapi.json   (Ctrl+C stops)");
                    if (keys.Count == 0)
                    {
                        session.Out.WriteLine("  no API keys: anyone who can reach this address can predict");
                    }
                }
                await session.Out.FlushAsync(ct).ConfigureAwait(false);
                try
                {
                    await server.WaitForShutdownAsync(ct).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                }
            }
            return 0;
        });
        return command;
    }
}
