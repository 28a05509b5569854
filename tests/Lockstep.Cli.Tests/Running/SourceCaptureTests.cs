using System.Text.Json.Nodes;
using Lockstep.Cli.Tests.Infrastructure;
using Lockstep.Tests.Shared;
using Shouldly;
using Xunit;

namespace Lockstep.Cli.Tests.Running;

/// <summary>
/// <c>lockstep run</c> starts git on a thread of its own while it reads and plans the pipeline: the
/// run record's source must be what it was when git ran on the command's thread, with git and
/// without it.
/// </summary>
public sealed class SourceCaptureTests
{
    [Fact]
    public async Task A_run_in_a_git_repository_records_its_commit_and_a_run_where_git_is_missing_records_none()
    {
        using var ws = TempWorkspace.WithOneCopyStep("source");
        ws.WriteFile(".gitignore", ".lockstep/\n");
        Git(ws.Root, "init", "-q", "-b", "main");
        Git(ws.Root, "add", ".");
        Git(ws.Root, "commit", "-q", "-m", "first");
        var head = Git(ws.Root, "rev-parse", "HEAD");

        var withGit = await ws.RunAsync("run", "--json");
        withGit.ExitCode.ShouldBe(0, withGit.ToString());
        var source = await SourceOf(ws, (string)withGit.Json["run_id"]!);
        ((string)source["vcs"]!).ShouldBe("git");
        ((string)source["revision"]!).ShouldBe(head);
        ((bool)source["dirty"]!).ShouldBeFalse();

        // PATH without git (cat is all the step needs): the run succeeds, reuses the step and records no version control.
        var bin = Path.Combine(ws.Root, "bin-without-git");
        Directory.CreateDirectory(bin);
        File.CreateSymbolicLink(Path.Combine(bin, "cat"), "/bin/cat");
        var noGit = await LockstepProcess.RunAsync(ws.Root, new Dictionary<string, string?> { ["PATH"] = bin }, "run", "--json");
        noGit.ExitCode.ShouldBe(0, noGit.ToString());
        ((bool)noGit.Steps["copy"]["cached"]!).ShouldBeTrue();
        (await SourceOf(ws, (string)noGit.Json["run_id"]!)).ToJsonString().ShouldBe("""{"vcs":"none"}""");
    }

    private static async Task<JsonObject> SourceOf(TempWorkspace ws, string runId)
    {
        var show = await ws.RunAsync("runs", "show", runId, "--json");
        show.ExitCode.ShouldBe(0, show.ToString());
        return show.Json["source"]!.AsObject();
    }

    private static string Git(string cwd, params string[] args) => GitCommand.Run(cwd, args);
}
