using Lockstep.Errors;
using Lockstep.Serving.Scoring;

namespace Lockstep.Serving.Tests.Support;

/// <summary>Test source whose "alias" can be moved; versions listed in <see cref="Tampered"/> fail verification.</summary>
internal sealed class MovableModelSource(string name) : IModelSource
{
    private volatile ModelPointer _pointer = new(name, 1, "sha256:v1", "memory");

    public HashSet<int> Tampered { get; } = [];

    public string Description => name + "@production";

    public bool CanMove => true;

    public void Move(int version) => _pointer = new ModelPointer(name, version, "sha256:v" + version, "memory");

    public Task<ModelPointer> ResolveAsync(CancellationToken cancellationToken) => Task.FromResult(_pointer);

    public Task<IScoringModel> LoadAsync(ModelPointer pointer, CancellationToken cancellationToken)
    {
        if (Tampered.Contains(pointer.Version))
        {
            throw new LockstepException($"bundle of {name} version {pointer.Version} does not match its hash manifest");
        }
        return Task.FromResult<IScoringModel>(new AdultLinearModel(name, pointer.Version, pointer.BundleHash));
    }
}
