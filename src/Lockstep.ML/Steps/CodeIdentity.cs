using Lockstep.Hashing;

namespace Lockstep.ML.Steps;

/// <summary>The content hash of the Lockstep.ML assembly: what "the code that trained this model" means in a bundle's lineage.</summary>
internal static class CodeIdentity
{
    private static readonly Lazy<string> Value = new(() =>
    {
        var location = typeof(CodeIdentity).Assembly.Location;
        return string.IsNullOrEmpty(location) || !File.Exists(location)
            ? "Lockstep.ML@unknown"
            : "Lockstep.ML@" + ContentHasher.HashBytes(File.ReadAllBytes(location)).Hex;
    });

    public static string Current => Value.Value;
}
