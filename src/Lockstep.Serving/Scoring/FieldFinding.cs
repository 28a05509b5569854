namespace Lockstep.Serving.Scoring;

/// <summary>One problem with one field of one request row, as shown to the client.</summary>
/// <param name="Row">Index of the row in the request (0 for a single object).</param>
/// <param name="Field">The field name as the client sent it (or expected it).</param>
/// <param name="Kind">Machine-readable kind: type, missing, unknown, range, category, nested, duplicate.</param>
/// <param name="Message">What is wrong and what is allowed.</param>
/// <param name="Blocking">
/// True when the row must not be scored under the reject policy. A category never seen in
/// training is not blocking: the bundle has an unknown bucket for it, so the row is scored and the
/// finding travels with the prediction and into the log.
/// </param>
public sealed record FieldFinding(int Row, string Field, string Kind, string Message, bool Blocking = true);
