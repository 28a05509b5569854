using System.Net;
using System.Text.Json;
using Lockstep.Errors;
using Lockstep.Serving.Logging;
using Lockstep.Serving.Scoring;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Prometheus;

namespace Lockstep.Serving.Http;

/// <summary>
/// The HTTP model server: Kestrel with a minimal API, one model (from a registry alias or a
/// bundle file), request validation, the durable prediction log and Prometheus metrics.
/// </summary>
public sealed class ModelServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly CancellationTokenSource _stop;
    private readonly Task _background;

    private ModelServer(WebApplication app, Uri address, ModelHolder holder, CancellationTokenSource stop, Task background)
    {
        _app = app;
        Address = address;
        Holder = holder;
        _stop = stop;
        _background = background;
    }

    /// <summary>The bound address, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri Address { get; }

    public ModelHolder Holder { get; }

    /// <summary>Loads and verifies the model, then binds and starts serving.</summary>
    public static async Task<ModelServer> StartAsync(ServerOptions options, IModelSource source, PredictionLog log, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(source);
        var address = ParseHost(options.Host);
        var keys = new ApiKeySet(options.ApiKeys);
        if (!IPAddress.IsLoopback(address) && keys.IsEmpty && !options.AllowUnauthenticated)
        {
            throw new LockstepException($"refusing to listen on {options.Host} (not loopback) without API keys: pass --api-keys-file FILE or set LOCKSTEP_API_KEYS, or --allow-unauthenticated if the network is trusted");
        }

        var holder = new ModelHolder();
        var pointer = await source.ResolveAsync(cancellationToken).ConfigureAwait(false);
        holder.Swap(await source.LoadAsync(pointer, cancellationToken).ConfigureAwait(false));

        // The content root is the app's own folder, not the working directory: the host watches
        // its content root for configuration changes, and a working directory holding the store
        // (whose log is written on every request) kept that watcher busy; nor should a stray
        // appsettings.json there configure the server.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = [], EnvironmentName = "Production", ApplicationName = "Lockstep.Serving", ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Logging.ClearProviders();
        // With the hosting logger enabled, ASP.NET Core creates an Activity per request (and the
        // metrics then attach exemplars from it); nothing here reads either.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
        if (options.ConsoleLogging)
        {
            builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning).AddFilter("Lockstep", LogLevel.Information);
        }
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            // Our own check answers with problem details first; Kestrel's limit is the backstop.
            k.Limits.MaxRequestBodySize = options.MaxBodyBytes * 2;
            k.Listen(address, options.Port);
        });
        builder.Services.AddOpenApi(o => o.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "Lockstep model server";
            document.Info.Description = $"Serves {source.Description}. Request rows are the model's raw input fields; GET /v1/models/{{name}} lists them with their expectations.";
            return Task.CompletedTask;
        }));
        var app = builder.Build();
        var metrics = new ServingMetrics();
        metrics.ModelVersion.Set(holder.Current!.Version);
        var handler = new PredictHandler(holder, log, metrics, options, time);

        if (!keys.IsEmpty)
        {
            app.Use(async (context, next) =>
            {
                if (context.Request.Path.StartsWithSegments("/health") || Authorized(context.Request, keys))
                {
                    await next(context).ConfigureAwait(false);
                    return;
                }
                metrics.Errors.WithLabels("unauthorized").Inc();
                context.Response.Headers.WWWAuthenticate = "Bearer";
                await Problem.WriteAsync(context, 401, "Unauthorized", "send a valid API key in the X-Api-Key header or as 'Authorization: Bearer KEY'").ConfigureAwait(false);
            });
        }
        app.MapPost("/v1/models/{name}/predict", (HttpContext context, string name) => handler.HandleAsync(context, name))
            .WithSummary("Score one row (a JSON object of raw fields) or a batch (an array of them); each prediction is durably logged before the answer is sent")
            // No .Accepts<>(): routing would then turn a wrong content type into the fallback's
            // 404 before the handler can answer 415 with problem details.
            .WithDescription("Body (application/json): one object of the model's raw input fields, or an array of such objects. GET /v1/models/{name} lists the fields and their expectations.")
            .Produces<PredictionAnswer>(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        app.MapGet("/health", () => Results.Text("{\"status\":\"ok\"}", "application/json")).WithSummary("The process is up");
        app.MapGet("/ready", (HttpContext context) => ReadyAsync(context, holder)).WithSummary("200 once a verified bundle is loaded; says when an alias move was refused");
        app.MapGet("/v1/models/{name}", (HttpContext context, string name) => DescribeAsync(context, holder, name, source))
            .WithSummary("The served model: version, bundle hash, schema, expectations, lineage, metrics");
        app.MapOpenApi("/openapi.json");
        app.MapMetrics("/metrics", metrics.Registry);
        app.MapFallback((HttpContext context) => Problem.WriteAsync(context, 404, "Not found", $"no endpoint {context.Request.Method} {context.Request.Path}; see /openapi.json"));

        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var uri = new Uri(bound.Replace("[::]", "localhost", StringComparison.Ordinal) + "/");
        var stop = new CancellationTokenSource();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Lockstep.Serving");
        var watcher = new ModelWatcher(source, holder, metrics, logger);
        var background = Task.Run(() => BackgroundAsync(source.CanMove ? watcher : null, metrics, log, options.PollInterval, stop.Token), CancellationToken.None);
        var server = new ModelServer(app, uri, holder, stop, background);
        return server;
    }

    /// <summary>Completes when the host shuts down (Ctrl+C / SIGTERM, or <paramref name="cancellationToken"/>).</summary>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken) => Microsoft.Extensions.Hosting.HostingAbstractionsHostExtensions.WaitForShutdownAsync(_app, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _app.StopAsync(CancellationToken.None).ConfigureAwait(false);
        await _background.ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        _stop.Dispose();
    }

    private static async Task BackgroundAsync(ModelWatcher? watcher, ServingMetrics metrics, PredictionLog log, TimeSpan interval, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                // Keeps the backlog gauge honest between requests too.
                metrics.LogBacklog.Set(log.Backlog);
                if (watcher is not null)
                {
                    await watcher.CheckOnceAsync(cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private static IPAddress ParseHost(string host)
    {
        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return IPAddress.Loopback;
        }
        if (!IPAddress.TryParse(host, out var address))
        {
            throw new LockstepException($"--host '{host}' is not an IP address: use 127.0.0.1 (the default), ::1, 0.0.0.0 or a specific interface address");
        }
        return address;
    }

    private static bool Authorized(HttpRequest request, ApiKeySet keys)
    {
        var key = request.Headers["X-Api-Key"].ToString();
        if (key.Length == 0)
        {
            var auth = request.Headers.Authorization.ToString();
            if (auth.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            {
                key = auth[7..].Trim();
            }
        }
        return keys.Accepts(key);
    }

    private static async Task ReadyAsync(HttpContext context, ModelHolder holder)
    {
        var model = holder.Current;
        context.Response.StatusCode = model is null ? 503 : 200;
        context.Response.ContentType = "application/json";
        var writer = new Utf8JsonWriter(context.Response.BodyWriter, JsonOutput.Options);
        await using (writer.ConfigureAwait(false))
        {
            writer.WriteStartObject();
            writer.WriteString("status", model is null ? "loading" : "ready");
            if (model is not null)
            {
                writer.WriteString("model", model.Name);
                writer.WriteNumber("version", model.Version);
                writer.WriteString("bundleHash", model.BundleHash);
            }
            if (holder.LastRefusal is { } refusal)
            {
                writer.WriteString("refused", refusal);
            }
            writer.WriteEndObject();
        }
    }

    private static async Task DescribeAsync(HttpContext context, ModelHolder holder, string name, IModelSource source)
    {
        var model = holder.Current;
        if (model is null || !string.Equals(model.Name, name, StringComparison.Ordinal))
        {
            await Problem.WriteAsync(context, 404, "Unknown model", model is null ? "no model is loaded yet" : $"this server serves model '{model.Name}', not '{name}'").ConfigureAwait(false);
            return;
        }
        context.Response.ContentType = "application/json";
        var writer = new Utf8JsonWriter(context.Response.BodyWriter, JsonOutput.Options);
        await using (writer.ConfigureAwait(false))
        {
            writer.WriteStartObject();
            writer.WriteString("name", model.Name);
            writer.WriteNumber("version", model.Version);
            writer.WriteString("bundleHash", model.BundleHash);
            writer.WriteString("source", source.Description);
            model.Describe(writer);
            writer.WriteEndObject();
        }
    }
}
