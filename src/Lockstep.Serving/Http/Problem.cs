using System.Text.Json;
using Lockstep.Serving.Scoring;
using Microsoft.AspNetCore.Http;

namespace Lockstep.Serving.Http;

/// <summary>Writes RFC 7807 problem details (<c>application/problem+json</c>), with per-field errors when there are any.</summary>
internal static class Problem
{
    public static async Task WriteAsync(HttpContext context, int status, string title, string detail, IReadOnlyList<FieldFinding>? errors = null, string? requestId = null)
    {
        var response = context.Response;
        response.StatusCode = status;
        response.ContentType = "application/problem+json";
        var writer = new Utf8JsonWriter(response.BodyWriter, JsonOutput.Options);
        await using (writer.ConfigureAwait(false))
        {
            writer.WriteStartObject();
            writer.WriteString("type", "https://lockstep.dev/problems/" + Slug(title));
            writer.WriteString("title", title);
            writer.WriteNumber("status", status);
            writer.WriteString("detail", detail);
            writer.WriteString("instance", context.Request.Path.Value);
            if (requestId is not null)
            {
                writer.WriteString("requestId", requestId);
            }
            if (errors is { Count: > 0 })
            {
                writer.WriteStartArray("errors");
                foreach (var e in errors)
                {
                    WriteFinding(writer, e);
                }
                writer.WriteEndArray();
            }
            writer.WriteEndObject();
            await writer.FlushAsync(context.RequestAborted).ConfigureAwait(false);
        }
    }

    public static void WriteFinding(Utf8JsonWriter writer, FieldFinding e)
    {
        writer.WriteStartObject();
        writer.WriteNumber("row", e.Row);
        writer.WriteString("field", e.Field);
        writer.WriteString("kind", e.Kind);
        writer.WriteString("message", e.Message);
        if (!e.Blocking)
        {
            writer.WriteBoolean("scored", true);
        }
        writer.WriteEndObject();
    }

    private static string Slug(string title) => title.ToLowerInvariant().Replace(' ', '-');
}
