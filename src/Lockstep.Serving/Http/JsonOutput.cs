using System.Text.Encodings.Web;
using System.Text.Json;

namespace Lockstep.Serving.Http;

/// <summary>
/// Writer options for every JSON the server and the log write: readable text ("&lt;=50K", quotes in
/// messages) instead of \u escapes. Safe here because the JSON is served as application/json and
/// stored as data, never embedded in HTML.
/// </summary>
internal static class JsonOutput
{
    public static JsonWriterOptions Options { get; } = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
