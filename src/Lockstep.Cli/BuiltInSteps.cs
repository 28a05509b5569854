using Lockstep.Steps;

namespace Lockstep.Cli;

/// <summary>The step types that ship with Lockstep. Add one line per built-in type.</summary>
internal static class BuiltInSteps
{
    public static StepTypeRegistry Create() => new StepTypeRegistry()
        .Add(new CommandStep())
        .Add(new Lockstep.Data.Steps.IngestStep())
        .Add(new Lockstep.Data.Steps.DatasetStep())
        .Add(new Lockstep.Data.Steps.ValidateStep())
        .Add(new Lockstep.ML.Steps.SplitStep())
        .Add(new Lockstep.ML.Steps.TrainStep())
        .Add(new Lockstep.ML.Steps.TuneStep())
        .Add(new Lockstep.ML.Steps.EvaluateStep())
        .Add(new Lockstep.ML.Steps.ProfileStep())
        .Add(new Lockstep.ML.Steps.GateStep())
        .Add(new Lockstep.ML.Steps.RegisterStep());
}
