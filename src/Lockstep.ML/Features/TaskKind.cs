namespace Lockstep.ML.Features;

/// <summary>What a model predicts.</summary>
public enum TaskKind
{
    Binary,
    Multiclass,
    Regression,
}
