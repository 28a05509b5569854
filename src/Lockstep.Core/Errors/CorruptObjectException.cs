using Lockstep.Hashing;

namespace Lockstep.Errors;

/// <summary>A stored object is missing or its bytes no longer hash to its name.</summary>
public sealed class CorruptObjectException : StoreException
{
    public CorruptObjectException(ContentHash expected, string path, ContentHash? actual)
        : base(actual is null
            ? $"object {expected.Short} is missing from the store ({path}); run 'lockstep verify' and re-run the pipeline to produce it again"
            : $"object {expected.Short} is corrupt: {path} hashes to {actual.Value.Short}; it will not be used. Run 'lockstep verify' to list every damaged object, then re-run the pipeline to produce it again")
    {
        Expected = expected;
        Actual = actual;
    }

    public ContentHash Expected { get; }

    /// <summary>The hash the bytes have now, or null when the object is missing.</summary>
    public ContentHash? Actual { get; }
}
