using Lockstep.Steps;

namespace Lockstep.Cli;

/// <summary>The step types that ship with Lockstep. Add one line per built-in type.</summary>
internal static class BuiltInSteps
{
    public static StepTypeRegistry Create() => new StepTypeRegistry()
        .Add(new CommandStep());
}
