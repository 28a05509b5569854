namespace Lockstep.Serving.Logging;

/// <summary>
/// A batch run's input file as stored in the object store (<paramref name="ObjectHash"/>, hex),
/// recorded in the log's table <c>prediction_inputs</c> with the run's first block: the run's
/// format 3 blocks refer to it, and garbage collection keeps it while they exist.
/// </summary>
public sealed record LoggedInput(string RequestId, string ObjectHash, string Path, long Size);
