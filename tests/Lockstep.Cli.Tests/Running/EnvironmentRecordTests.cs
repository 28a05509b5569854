using System.Text.Json.Nodes;
using Lockstep.Cli.Tests.Infrastructure;
using Shouldly;
using Xunit;

namespace Lockstep.Cli.Tests.Running;

/// <summary>
/// A run's environment record lists the assemblies loaded when the run starts. Spectre.Console is
/// no longer loaded on the command's own thread (it loads on a pool thread, and a run waits for it):
/// the record must still list it, with text output and with JSON output alike, as it always did.
/// </summary>
public sealed class EnvironmentRecordTests
{
    [Fact]
    public async Task A_run_records_the_same_assemblies_with_text_or_json_output_spectre_console_included()
    {
        using var ws = TempWorkspace.WithOneCopyStep("environment");

        var first = await ws.RunAsync("run", "--json");
        first.ExitCode.ShouldBe(0, first.ToString());
        var json = await ws.RunAsync("run", "--json");
        json.ExitCode.ShouldBe(0, json.ToString());
        var text = await ws.RunAsync("run");
        text.ExitCode.ShouldBe(0, text.ToString());
        text.StdOut.ShouldContain("1 cached");

        var fromJson = await AssembliesOf(ws, (string)json.Json["run_id"]!);
        var fromText = await AssembliesOf(ws, "last");
        // Both lists also hold what git's thread had loaded by then, which may differ between runs
        // (RunEnvironment.Capture says so): the assemblies every run loads before it starts are compared.
        foreach (var assemblies in new[] { fromJson, fromText })
        {
            assemblies.ShouldContain("Spectre.Console");
            assemblies.ShouldContain("Microsoft.Data.Sqlite");
            assemblies.ShouldContain("System.CommandLine");
            assemblies.ShouldContain("Lockstep.Core");
        }
    }

    private static async Task<List<string>> AssembliesOf(TempWorkspace ws, string runId)
    {
        var show = await ws.RunAsync("runs", "show", runId, "--json");
        show.ExitCode.ShouldBe(0, show.ToString());
        return show.Json["environment"]!["assemblies"]!.AsObject().Select(p => p.Key).Order(StringComparer.Ordinal).ToList();
    }
}
