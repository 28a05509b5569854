using Lockstep.Errors;

namespace Lockstep.ML.Bundles;

/// <summary>A bundle that cannot be trusted: a hash does not match, an entry is missing, or its environment differs.</summary>
public sealed class BundleRefusedException : LockstepException
{
    public BundleRefusedException(string path, IReadOnlyList<string> problems, string advice)
        : base($"refusing model bundle {path}:\n{string.Join("\n", problems.Select(p => "  - " + p))}\n{advice}")
    {
        Problems = problems;
    }

    public IReadOnlyList<string> Problems { get; }
}
