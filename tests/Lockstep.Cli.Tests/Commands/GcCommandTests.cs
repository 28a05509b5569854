using Lockstep.Cli.Tests.Infrastructure;
using Lockstep.Hashing;
using Shouldly;
using Xunit;

namespace Lockstep.Cli.Tests.Commands;

/// <summary>'lockstep gc' on a real store: what nothing refers to goes, everything a run recorded stays.</summary>
public sealed class GcCommandTests
{
    [Fact]
    public async Task Gc_removes_an_orphan_object_and_the_parsed_pipelines_and_keeps_every_recorded_artifact()
    {
        using var ws = new TempWorkspace(TestPipelines.Diamond);
        ws.WriteFile("data.txt", TestPipelines.DiamondData);
        (await ws.RunAsync("run")).ExitCode.ShouldBe(0);
        (await ws.RunAsync("run")).ExitCode.ShouldBe(0); // the first run creates the store; the second keeps its parsed pipeline
        var orphanBytes = "nothing refers to me\n"u8.ToArray();
        var orphan = ContentHasher.HashBytes(orphanBytes).Hex;
        Directory.CreateDirectory(Path.GetDirectoryName(ws.ObjectPath(orphan))!);
        File.WriteAllBytes(ws.ObjectPath(orphan), orphanBytes);
        Directory.EnumerateFiles(Path.Combine(ws.Store, "resolved")).ShouldNotBeEmpty();

        var dry = await ws.RunAsync("gc", "--dry-run", "--json");
        dry.ExitCode.ShouldBe(0, dry.ToString());
        ((int)dry.Json["removed_objects"]!).ShouldBe(1);
        File.Exists(ws.ObjectPath(orphan)).ShouldBeTrue();

        var gc = await ws.RunAsync("gc", "--json");
        gc.ExitCode.ShouldBe(0, gc.ToString());
        ((int)gc.Json["removed_objects"]!).ShouldBe(1);
        ((int)gc.Json["removed_parsed_pipelines"]!).ShouldBeGreaterThan(0);
        File.Exists(ws.ObjectPath(orphan)).ShouldBeFalse();
        Directory.EnumerateFiles(Path.Combine(ws.Store, "resolved")).ShouldBeEmpty();

        (await ws.RunAsync("verify")).ExitCode.ShouldBe(0);
        var again = await ws.RunAsync("run", "--json");
        again.ExitCode.ShouldBe(0, again.ToString());
        again.Steps.Values.ShouldAllBe(s => s["cached"]!.GetValue<bool>());
    }
}
