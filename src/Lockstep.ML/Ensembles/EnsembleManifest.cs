namespace Lockstep.ML.Ensembles;

/// <summary>
/// The structure of an ensemble bundle (ensemble.json): how it was built (<see cref="Method"/>:
/// average or stacking), its members in order (member 1 is model.zip) and the fitted combiner that
/// turns the members' outputs into one prediction. Every member shares the bundle's preprocessing.
/// </summary>
public sealed record EnsembleManifest(string Method, IReadOnlyList<EnsembleMember> Members, EnsembleCombiner Combiner);
