namespace Lockstep.Serving.Logging;

/// <summary>
/// What <see cref="PredictionLogReader.CheckAsync"/> found: every prediction the log holds
/// (<paramref name="Predictions"/>, of them <paramref name="Blocks"/> batch blocks decoded) and,
/// per block that does not decode or holds another number of rows than it was logged with, a
/// message naming it.
/// </summary>
public sealed record PredictionLogHealth(long Predictions, long Blocks, IReadOnlyList<string> Damaged);
