using Lockstep.Serving.Scoring;

namespace Lockstep.Serving.Http;

/// <summary>One row of a request: its values (double, string, bool or null), its raw JSON and the structural problems found while reading it.</summary>
internal sealed class RequestRow(Dictionary<string, object?> values, string rawJson, List<FieldFinding>? structural)
{
    public Dictionary<string, object?> Values { get; } = values;

    public string RawJson { get; } = rawJson;

    public List<FieldFinding>? Structural { get; } = structural;
}
