using Lockstep.Errors;
using Lockstep.ML.Bundles;
using Lockstep.Storage;

namespace Lockstep.Serving.Scoring;

/// <summary>
/// Serves what a registry reference names (<c>adult@production</c>, <c>adult@3</c>, <c>adult</c>):
/// the bundle object is re-hashed by the store, then verified and loaded by the bundle reader
/// (entry hashes, environment lock). An alias or bare name can move, so the server polls it.
/// </summary>
public sealed class RegistryModelSource(IStore store, ModelReference reference, BundleLoadOptions options) : IModelSource
{
    public string Description => reference.ToString();

    public bool CanMove => reference.Version is null;

    public async Task<ModelPointer> ResolveAsync(CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        var version = await store.Models.FindAsync(reference, cancellationToken).ConfigureAwait(false)
            ?? throw new LockstepException($"the registry has no {reference}: 'lockstep models list' shows the models and their aliases");
        return new ModelPointer(version.Name, version.Version, version.BundleHash.Hex, version.BundleHash.Hex);
    }

    public async Task<IScoringModel> LoadAsync(ModelPointer pointer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pointer);
        var hash = Lockstep.Hashing.ContentHash.Parse(pointer.BundleHash);
        string path;
        try
        {
            path = await store.Objects.GetVerifiedPathAsync(hash, cancellationToken).ConfigureAwait(false);
        }
        catch (FileNotFoundException)
        {
            throw new LockstepException($"{pointer.Name} version {pointer.Version}: its bundle {hash.Short} is missing from the store; 'lockstep verify' checks the store");
        }
        MLAssemblies.EnsureLoaded();
        var loaded = await ModelBundle.LoadAsync(path, options, cancellationToken).ConfigureAwait(false);
        return new BundleScoringModel(pointer.Name, pointer.Version, loaded);
    }
}
