using Lockstep.Serving.Scoring;

namespace Lockstep.Serving.Http;

/// <summary>
/// The shape of a 200 answer to a single-row predict, for the OpenAPI document (the handler
/// writes the same JSON directly with a Utf8JsonWriter, to keep the request path allocation-light).
/// A batch answer has <c>predictions</c>: one such object per row, without requestId/model/version.
/// </summary>
public sealed record PredictionAnswer(string RequestId, string Model, int Version, double Score, double? Probability, string? Label, IReadOnlyList<FieldFinding>? Findings);
