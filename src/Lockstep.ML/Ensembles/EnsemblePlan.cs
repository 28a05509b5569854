namespace Lockstep.ML.Ensembles;

/// <summary>
/// What the tune step decides and the train step builds: the method, the members (the best trials,
/// best first) and the combiner (equal weights, or the stacking weights fitted on out-of-fold
/// predictions). Written into the tune result under "ensemble".
/// </summary>
public sealed record EnsemblePlan(string Method, IReadOnlyList<PlannedMember> Members, EnsembleCombiner Combiner);
