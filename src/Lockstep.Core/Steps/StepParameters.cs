using System.Globalization;
using System.Text.Json.Nodes;
using Lockstep.Errors;
using Lockstep.Pipelines;

namespace Lockstep.Steps;

/// <summary>
/// A step's resolved parameters (declared values over the type's defaults) with typed getters whose
/// errors name the step, the parameter and where it was written.
/// </summary>
public sealed class StepParameters
{
    private readonly IReadOnlyDictionary<string, ParameterValue> _values;

    public StepParameters(string stepId, IReadOnlyDictionary<string, ParameterValue> values)
    {
        StepId = stepId;
        _values = values;
    }

    public string StepId { get; }

    public IEnumerable<string> Names => _values.Keys;

    public bool Has(string name) => _values.TryGetValue(name, out var v) && v.Value is not null;

    public JsonNode? GetNode(string name) => _values.TryGetValue(name, out var v) ? v.Value : null;

    public SourceLocation? LocationOf(string name) => _values.TryGetValue(name, out var v) ? v.Location : null;

    public string GetString(string name) => GetStringOrNull(name) ?? throw Missing(name);

    public string? GetStringOrNull(string name) => GetNode(name) switch
    {
        null => null,
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        JsonValue v => v.ToJsonString(),
        var other => throw Wrong(name, "a text value", other),
    };

    public long GetInt64(string name) => GetInt64OrNull(name) ?? throw Missing(name);

    public long? GetInt64OrNull(string name) => GetNode(name) switch
    {
        null => null,
        var n when JsonNumbers.TryGetInt64(n, out var l) => l,
        var other => throw Wrong(name, "an integer", other),
    };

    public int GetInt32(string name) => checked((int)GetInt64(name));

    public double GetDouble(string name) => GetDoubleOrNull(name) ?? throw Missing(name);

    public double? GetDoubleOrNull(string name) => GetNode(name) switch
    {
        null => null,
        var n when JsonNumbers.TryGetDouble(n, out var d) => d,
        JsonValue v when v.TryGetValue<string>(out var s) && double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var p) => p,
        var other => throw Wrong(name, "a number", other),
    };

    public bool GetBoolean(string name) => GetBooleanOrNull(name) ?? throw Missing(name);

    public bool? GetBooleanOrNull(string name) => GetNode(name) switch
    {
        null => null,
        JsonValue v when v.TryGetValue<bool>(out var b) => b,
        var other => throw Wrong(name, "true or false", other),
    };

    public IReadOnlyList<string> GetStringList(string name) => GetNode(name) switch
    {
        null => [],
        JsonArray array => array.Select(item => item is JsonValue v && v.TryGetValue<string>(out var s) ? s : item?.ToJsonString() ?? "").ToList(),
        JsonValue v when v.TryGetValue<string>(out var s) => [s],
        var other => throw Wrong(name, "a list of text values", other),
    };

    public JsonObject? GetMap(string name) => GetNode(name) switch
    {
        null => null,
        JsonObject obj => obj,
        var other => throw Wrong(name, "a mapping", other),
    };

    private StepInputException Missing(string name) =>
        new($"{Where(name)}step '{StepId}' needs parameter '{name}'; add it under the step's 'params:'");

    private StepInputException Wrong(string name, string expected, JsonNode? actual) =>
        new($"{Where(name)}step '{StepId}' parameter '{name}' must be {expected}, not {actual?.ToJsonString() ?? "null"}");

    private string Where(string name) => LocationOf(name) is { } l ? $"{l}: " : "";
}
