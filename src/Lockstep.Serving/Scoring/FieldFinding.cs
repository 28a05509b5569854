namespace Lockstep.Serving.Scoring;

/// <summary>One problem with one field of one request row, as shown to the client.</summary>
/// <param name="Row">Index of the row in the request (0 for a single object).</param>
/// <param name="Field">The field name as the client sent it (or expected it).</param>
/// <param name="Kind">Machine-readable kind: type, missing, unknown, range, category, nested.</param>
/// <param name="Message">What is wrong and what is allowed.</param>
public sealed record FieldFinding(int Row, string Field, string Kind, string Message);
