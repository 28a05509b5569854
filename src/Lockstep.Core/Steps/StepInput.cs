using Lockstep.Hashing;

namespace Lockstep.Steps;

/// <summary>
/// An input handed to a running step: a verified, read-only file in the store. Never write to
/// <see cref="Path"/>.
/// </summary>
/// <param name="Source">Where it came from: <c>step.output</c> or a workspace-relative file path.</param>
public sealed record StepInput(string Name, string Path, ContentHash Hash, long Size, string Source);
