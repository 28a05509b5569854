using Lockstep.Cli.Tests.Infrastructure;
using Lockstep.Tests.Shared;
using Shouldly;
using Xunit;

namespace Lockstep.Cli.Tests.Commands;

public sealed class RunsCommandTests
{
    private const string Pipeline = """
        version: 1
        name: tracked
        seed: 2
        steps:
          - id: a
            type: command
            inputs: { x: data.txt }
            outputs: [o]
            params:
              run: cat ${inputs.x} > ${outputs.o}
        """;

    [Fact]
    public async Task A_run_records_the_git_revision_branch_and_whether_tracked_files_had_uncommitted_changes()
    {
        using var ws = new TempWorkspace(Pipeline);
        ws.WriteFile("data.txt", "one\n");
        Git(ws.Root, "init", "-q", "-b", "main");
        Git(ws.Root, "add", "lockstep.yaml", "data.txt");
        Git(ws.Root, "-c", "user.name=test", "-c", "user.email=test@example.com", "commit", "-q", "-m", "first");
        var head = Git(ws.Root, "rev-parse", "HEAD");

        (await ws.RunAsync("run")).ExitCode.ShouldBe(0);
        var clean = (await ws.RunAsync("runs", "show", "last", "--json")).Json["source"]!;
        ws.WriteFile("data.txt", "two\n");
        ws.WriteFile("untracked.txt", "not part of the tree\n");
        (await ws.RunAsync("run")).ExitCode.ShouldBe(0);
        var dirty = (await ws.RunAsync("runs", "show", "last", "--json")).Json["source"]!;

        ((string)clean["vcs"]!).ShouldBe("git");
        ((string)clean["revision"]!).ShouldBe(head);
        ((string)clean["branch"]!).ShouldBe("main");
        ((bool)clean["dirty"]!).ShouldBeFalse();
        ((int)clean["changed_files"]!).ShouldBe(0);
        ((string)dirty["revision"]!).ShouldBe(head);
        ((bool)dirty["dirty"]!).ShouldBeTrue();
        ((int)dirty["changed_files"]!).ShouldBe(1, "untracked files do not count");
    }

    [Fact]
    public async Task A_run_outside_any_git_repository_records_no_revision()
    {
        using var ws = new TempWorkspace(Pipeline);
        ws.WriteFile("data.txt", "one\n");

        (await ws.RunAsync("run")).ExitCode.ShouldBe(0);
        var source = (await ws.RunAsync("runs", "show", "last", "--json")).Json["source"]!;

        ((string)source["vcs"]!).ShouldBe("none");
    }

    private static string Git(string cwd, params string[] args) => GitCommand.Run(cwd, args);
}
