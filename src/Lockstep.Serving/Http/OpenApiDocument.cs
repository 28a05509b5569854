using System.Reflection;

namespace Lockstep.Serving.Http;

/// <summary>
/// The server's OpenAPI 3.1 document, hand-written and embedded (Http/openapi.json):
/// Microsoft.AspNetCore.OpenApi is not in this build's package registry, and the API is five
/// routes whose request rows are model-specific anyway (GET /v1/models/{name} gives the schema).
/// </summary>
internal static class OpenApiDocument
{
    public static string Json { get; } = Load();

    private static string Load()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Lockstep.Serving.openapi.json")
            ?? throw new InvalidOperationException("the OpenAPI document is missing from the assembly");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
