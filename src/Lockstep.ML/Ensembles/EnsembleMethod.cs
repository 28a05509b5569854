namespace Lockstep.ML.Ensembles;

/// <summary>The ensemble methods and combiner kinds, as they are written in YAML and in ensemble.json.</summary>
public static class EnsembleMethod
{
    /// <summary>Equal-weight mean of the members' probabilities (binary), class scores (multiclass) or predictions (regression).</summary>
    public const string Average = "average";

    /// <summary>A linear meta-model fitted on the members' out-of-fold predictions from the tune step's cross-validation.</summary>
    public const string Stacking = "stacking";

    public static IReadOnlyList<string> All { get; } = [Average, Stacking];

    /// <summary>Combiner kind: Σ wᵢ·xᵢ with wᵢ = 1/K.</summary>
    public const string Mean = "mean";

    /// <summary>Combiner kind (binary stacking): probability = σ(b + Σ wᵢ·logit(pᵢ)).</summary>
    public const string Logistic = "logistic";

    /// <summary>Combiner kind (regression stacking): b + Σ wᵢ·ŷᵢ.</summary>
    public const string Linear = "linear";

    /// <summary>Combiner kind (multiclass stacking): softmax over classes of b_c + Σ W[c][j]·x_j, x = every member's class scores concatenated.</summary>
    public const string Softmax = "softmax";
}
