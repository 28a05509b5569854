using System.Text.Json.Nodes;

namespace Lockstep.Cli.Tests.Infrastructure;

/// <summary>What one `lockstep` process did: its exit code and everything it printed.</summary>
internal sealed record CliResult(int ExitCode, string StdOut, string StdErr, string[] Arguments)
{
    /// <summary>stdout parsed as the one JSON document that <c>--json</c> promises.</summary>
    public JsonNode Json => JsonNode.Parse(StdOut) ?? throw new InvalidOperationException($"lockstep {string.Join(' ', Arguments)} printed no JSON: {this}");

    /// <summary>The steps array of a <c>run --json</c> or <c>reproduce --json</c> document, by id.</summary>
    public IReadOnlyDictionary<string, JsonObject> Steps =>
        Json["steps"]!.AsArray().Select(s => s!.AsObject()).ToDictionary(s => (string)s["id"]!, StringComparer.Ordinal);

    public override string ToString() => $"lockstep {string.Join(' ', Arguments)} → exit {ExitCode}\n--- stdout ---\n{StdOut}\n--- stderr ---\n{StdErr}";
}
