using System.Text.Json.Nodes;
using Lockstep.Running;
using Lockstep.Tests.Shared;

namespace Lockstep.Tests.Running;

public sealed class RunEnvironmentTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "lockstep-git-" + Guid.NewGuid().ToString("N")[..10]);

    public RunEnvironmentTests() => Directory.CreateDirectory(_dir);

    public void Dispose()
    {
        foreach (var f in Directory.EnumerateFiles(_dir, "*", SearchOption.AllDirectories))
        {
            File.SetAttributes(f, FileAttributes.Normal);
        }
        Directory.Delete(_dir, recursive: true);
    }

    private string Git(params string[] args) => GitCommand.Run(_dir, args);

    [Fact]
    public async Task The_source_of_a_git_workspace_names_its_commit_branch_and_changed_files()
    {
        Git("init", "-q", "-b", "main");
        await File.WriteAllTextAsync(Path.Combine(_dir, "a.txt"), "one");
        await File.WriteAllTextAsync(Path.Combine(_dir, "b.txt"), "two");
        Git("add", ".");
        Git("commit", "-q", "-m", "first");
        var head = Git("rev-parse", "HEAD");

        var clean = await RunEnvironment.CaptureSourceAsync(_dir, default);
        clean["vcs"]!.GetValue<string>().ShouldBe("git");
        clean["revision"]!.GetValue<string>().ShouldBe(head);
        clean["branch"]!.GetValue<string>().ShouldBe("main");
        clean["dirty"]!.GetValue<bool>().ShouldBeFalse();

        await File.WriteAllTextAsync(Path.Combine(_dir, "a.txt"), "changed");
        await File.WriteAllTextAsync(Path.Combine(_dir, "b.txt"), "changed too");
        var dirty = await RunEnvironment.CaptureSourceAsync(_dir, default);
        dirty["dirty"]!.GetValue<bool>().ShouldBeTrue();
        dirty["changed_files"]!.GetValue<int>().ShouldBe(2);
        CanonicalText(dirty).ShouldBe(CanonicalText(RunEnvironment.CaptureSource(_dir)));
    }

    [Fact]
    public async Task A_folder_outside_any_repository_has_no_version_control() =>
        (await RunEnvironment.CaptureSourceAsync(_dir, default))["vcs"]!.GetValue<string>().ShouldBe("none");

    [Fact]
    public void The_record_lists_exactly_the_assemblies_it_is_given_with_their_versions_whatever_was_read_ahead()
    {
        RunEnvironment.Prepare();
        System.Reflection.Assembly[] given = [typeof(object).Assembly, typeof(RunEnvironment).Assembly];

        var record = RunEnvironment.Capture(given);

        var assemblies = record["assemblies"]!.AsObject();
        assemblies.Select(p => p.Key).ShouldBe(["Lockstep.Core", "System.Private.CoreLib"]);
        assemblies["System.Private.CoreLib"]!.GetValue<string>().ShouldStartWith(Environment.Version.ToString());
        record["packages"]!.AsObject().Count.ShouldBe(RunEnvironment.Capture()["packages"]!.AsObject().Count);
        CanonicalText(RunEnvironment.Capture(given)).ShouldBe(CanonicalText(record));
    }

    private static string CanonicalText(JsonObject o) => Lockstep.Hashing.CanonicalJson.Serialize(o);
}
