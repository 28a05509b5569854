using Lockstep.ML.Bundles;

namespace Lockstep.Serving.Scoring;

/// <summary>Serves one bundle file (<c>lockstep serve model.lsb</c>): loaded and verified once, never moves.</summary>
public sealed class BundleFileSource(string path, string name, BundleLoadOptions options) : IModelSource
{
    public string Description => path;

    public bool CanMove => false;

    public Task<ModelPointer> ResolveAsync(CancellationToken cancellationToken) =>
        Task.FromResult(new ModelPointer(name, 0, "", path));

    public async Task<IScoringModel> LoadAsync(ModelPointer pointer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pointer);
        if (!File.Exists(pointer.Location))
        {
            throw new Lockstep.Errors.LockstepException($"no model bundle at {pointer.Location}: give the path of a .lsb file written by a train step, or NAME@ALIAS from the registry");
        }
        MLAssemblies.EnsureLoaded();
        var loaded = await ModelBundle.LoadAsync(pointer.Location, options, cancellationToken).ConfigureAwait(false);
        return new BundleScoringModel(pointer.Name, pointer.Version, loaded);
    }
}
