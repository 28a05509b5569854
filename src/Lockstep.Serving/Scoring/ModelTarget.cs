using Lockstep.Errors;
using Lockstep.ML.Bundles;
using Lockstep.Storage;

namespace Lockstep.Serving.Scoring;

/// <summary>What <c>lockstep serve</c> and <c>lockstep predict</c> accept: a bundle file, or a registry reference (NAME, NAME@VERSION, NAME@ALIAS).</summary>
public static class ModelTarget
{
    /// <summary>True when <paramref name="target"/> names a bundle file rather than a registry reference.</summary>
    public static bool IsFile(string target) =>
        File.Exists(target) || target.EndsWith(".lsb", StringComparison.OrdinalIgnoreCase) || target.Contains(Path.DirectorySeparatorChar, StringComparison.Ordinal);

    public static IModelSource FromFile(string path, string? name, BundleLoadOptions options)
    {
        var modelName = name ?? Path.GetFileNameWithoutExtension(path);
        if (!ModelReference.IsValidName(modelName))
        {
            throw new LockstepException($"'{modelName}' cannot be a model name (letters, digits, '.', '_', '-'); pass --name");
        }
        return new BundleFileSource(Path.GetFullPath(path), modelName, options);
    }

    public static IModelSource FromRegistry(string target, IStore store, BundleLoadOptions options)
    {
        if (!ModelReference.TryParse(target, out var reference))
        {
            throw new LockstepException($"'{target}' is neither a bundle file nor a model reference; write NAME@ALIAS (e.g. adult@production), NAME@VERSION or a path to a .lsb file");
        }
        return new RegistryModelSource(store, reference, options);
    }
}
