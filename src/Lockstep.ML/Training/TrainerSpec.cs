using Lockstep.Errors;

namespace Lockstep.ML.Training;

/// <summary>
/// A trainer and its hyperparameters, from configuration. Trainers: lightgbm, fasttree, sdca,
/// lbfgs. Hyperparameters (all optional): iterations, leaves, learning_rate, min_leaf, max_bins,
/// l1, l2.
/// </summary>
public sealed record TrainerSpec(string Trainer, IReadOnlyDictionary<string, double> Hyperparameters)
{
    public static readonly IReadOnlyList<string> Trainers = ["lightgbm", "fasttree", "sdca", "lbfgs"];

    public static readonly IReadOnlyList<string> KnownHyperparameters = ["iterations", "leaves", "learning_rate", "min_leaf", "max_bins", "l1", "l2"];

    public double? Get(string name) => Hyperparameters.TryGetValue(name, out var v) ? v : null;

    public int? GetInt(string name) => Get(name) is { } v ? checked((int)v) : null;

    /// <summary>Throws when the trainer or a hyperparameter name is unknown.</summary>
    public TrainerSpec Validated()
    {
        if (!Trainers.Contains(Trainer))
        {
            throw new StepInputException($"trainer '{Trainer}' is not one of {string.Join(", ", Trainers)}");
        }
        foreach (var name in Hyperparameters.Keys)
        {
            if (!KnownHyperparameters.Contains(name))
            {
                throw new StepInputException($"hyperparameter '{name}' is not one of {string.Join(", ", KnownHyperparameters)}");
            }
        }
        return this;
    }
}
