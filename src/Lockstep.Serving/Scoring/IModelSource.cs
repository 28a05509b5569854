namespace Lockstep.Serving.Scoring;

/// <summary>
/// Resolves what should be served (a registry alias, or a fixed bundle file) and loads it.
/// <see cref="LoadAsync"/> must verify the bundle (hashes, environment lock) and throw a
/// <see cref="Lockstep.Errors.LockstepException"/> when it does not verify.
/// </summary>
public interface IModelSource
{
    /// <summary>What is served, for messages: <c>adult@production</c> or a file path.</summary>
    string Description { get; }

    /// <summary>True when <see cref="ResolveAsync"/> can change over time (an alias), so the server polls it.</summary>
    bool CanMove { get; }

    Task<ModelPointer> ResolveAsync(CancellationToken cancellationToken);

    Task<IScoringModel> LoadAsync(ModelPointer pointer, CancellationToken cancellationToken);
}
