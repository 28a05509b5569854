using System.Text.Json.Nodes;

namespace Lockstep.Steps;

public enum ParameterKind
{
    String,
    Integer,
    /// <summary>Any number; integers are accepted.</summary>
    Number,
    Boolean,
    StringList,
    /// <summary>A mapping of names to values, checked by the step itself.</summary>
    Map,
    /// <summary>A list of values of any shape, checked by the step itself.</summary>
    List,
    Any,
}

/// <summary>A parameter a step type accepts: its name, kind, whether it is required, its default and what it does.</summary>
public sealed record ParameterSpec(string Name, ParameterKind Kind, bool Required, JsonNode? Default, string Description)
{
    public static ParameterSpec Req(string name, ParameterKind kind, string description) => new(name, kind, true, null, description);

    public static ParameterSpec Opt(string name, ParameterKind kind, JsonNode? defaultValue, string description) => new(name, kind, false, defaultValue, description);

    /// <summary>The allowed values when the parameter is a closed choice, checked at plan time.</summary>
    public IReadOnlyList<string>? Choices { get; init; }
}
