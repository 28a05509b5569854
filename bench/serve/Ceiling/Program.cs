using System.Text.Json;

// Usage: Lockstep.Bench.Ceiling PORT
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
builder.WebHost.ConfigureKestrel(k => k.Listen(System.Net.IPAddress.Loopback, int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture)));
var app = builder.Build();
var answer = "{\"score\":0.5,\"label\":false}"u8.ToArray();
app.MapPost("/predict", async (HttpContext context) =>
{
    // Parse the body like a real endpoint would (a DOM over the whole row), then answer a constant.
    using var doc = await JsonDocument.ParseAsync(context.Request.Body, default, context.RequestAborted);
    if (doc.RootElement.ValueKind != JsonValueKind.Object)
    {
        context.Response.StatusCode = 400;
        return;
    }
    context.Response.ContentType = "application/json";
    await context.Response.Body.WriteAsync(answer, context.RequestAborted);
});
app.Run();
