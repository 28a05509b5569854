using Lockstep.Steps;

namespace Lockstep.Cli;

/// <summary>
/// The step types that ship with Lockstep. Add one line per built-in type. Each is created when a
/// pipeline first uses it (the registry checks the name against its signature), so the data and
/// ML libraries load only for pipelines that need them.
/// </summary>
internal static class BuiltInSteps
{
    public static StepTypeRegistry Create() => new StepTypeRegistry()
        .Add("command", () => new CommandStep())
        .Add("ingest", () => new Lockstep.Data.Steps.IngestStep())
        .Add("dataset", () => new Lockstep.Data.Steps.DatasetStep())
        .Add("validate", () => new Lockstep.Data.Steps.ValidateStep())
        .Add("split", () => new Lockstep.ML.Steps.SplitStep())
        .Add("train", () => new Lockstep.ML.Steps.TrainStep())
        .Add("tune", () => new Lockstep.ML.Steps.TuneStep())
        .Add("evaluate", () => new Lockstep.ML.Steps.EvaluateStep())
        .Add("profile", () => new Lockstep.ML.Steps.ProfileStep())
        .Add("gate", () => new Lockstep.ML.Steps.GateStep())
        .Add("register", () => new Lockstep.ML.Steps.RegisterStep());
}
