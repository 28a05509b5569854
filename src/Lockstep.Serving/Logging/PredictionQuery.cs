namespace Lockstep.Serving.Logging;

/// <summary>Filters for reading the prediction log back; null means "any".</summary>
public sealed record PredictionQuery(
    string? Model = null,
    int? Version = null,
    DateTimeOffset? From = null,
    DateTimeOffset? To = null,
    int? Limit = null);
