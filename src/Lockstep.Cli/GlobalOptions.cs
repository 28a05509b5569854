using System.CommandLine;

namespace Lockstep.Cli;

/// <summary>Options every command accepts.</summary>
internal static class GlobalOptions
{
    public static readonly Option<string?> Workspace = new("--workspace", "-w")
    {
        Description = "The workspace folder (or its pipeline .yaml); default: the nearest folder at or above the current one with a lockstep.yaml",
        Recursive = true,
    };

    public static readonly Option<bool> Json = new("--json")
    {
        Description = "Print machine-readable JSON instead of tables",
        Recursive = true,
    };
}
