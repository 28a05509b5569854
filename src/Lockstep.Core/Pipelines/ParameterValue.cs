using System.Text.Json.Nodes;
using Lockstep.Errors;

namespace Lockstep.Pipelines;

/// <summary>A parameter's value (scalars, lists and maps as JSON nodes) and where it was written.</summary>
public sealed record ParameterValue(JsonNode? Value, SourceLocation? Location)
{
    public string Display => Value?.ToJsonString() ?? "null";
}
