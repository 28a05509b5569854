namespace Lockstep.Storage;

/// <summary>
/// Named models with immutable numbered versions and movable aliases (e.g. <c>production</c>).
/// A version is a model bundle (by object hash) plus the run that produced it and its lineage and
/// metrics; versions are numbered 1, 2, … per name and never change. Every alias move is recorded
/// (who, when, from which version, to which, why). References are written <c>NAME</c> (latest
/// version), <c>NAME@3</c> (version 3) or <c>NAME@production</c> (the version holding an alias);
/// see <see cref="ModelReference"/>. Garbage collection keeps every registered bundle.
/// </summary>
public interface IModelRegistry
{
    /// <summary>
    /// Adds the next version of <see cref="ModelRegistration.Name"/>. Registering the same bundle
    /// hash under the same name again returns the existing version instead of adding one.
    /// </summary>
    Task<ModelVersion> RegisterAsync(ModelRegistration registration, CancellationToken cancellationToken);

    /// <summary>The version a reference names, or null when there is none.</summary>
    Task<ModelVersion?> FindAsync(ModelReference reference, CancellationToken cancellationToken);

    /// <summary>Every model name with its latest version and current aliases, sorted by name.</summary>
    Task<IReadOnlyList<RegisteredModel>> ListModelsAsync(CancellationToken cancellationToken);

    /// <summary>Every version of a model, oldest first (empty when the name is unknown).</summary>
    Task<IReadOnlyList<ModelVersion>> ListVersionsAsync(string name, CancellationToken cancellationToken);

    /// <summary>
    /// Points <paramref name="alias"/> of model <paramref name="name"/> at <paramref name="version"/>
    /// and records the move. Throws <see cref="Errors.StoreException"/> when the version does not exist.
    /// Gating a move (e.g. "not worse than production") is the caller's job, before calling this.
    /// </summary>
    Task<AliasMove> MoveAliasAsync(string name, string alias, int version, string movedBy, string? reason, CancellationToken cancellationToken);

    /// <summary>Removes an alias (recorded as a move to no version).</summary>
    Task<AliasMove> RemoveAliasAsync(string name, string alias, string movedBy, string? reason, CancellationToken cancellationToken);

    /// <summary>Every recorded move of the model's aliases (of one alias when given), oldest first.</summary>
    Task<IReadOnlyList<AliasMove>> AliasHistoryAsync(string name, string? alias, CancellationToken cancellationToken);
}
