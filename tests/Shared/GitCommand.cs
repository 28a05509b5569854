using System.Diagnostics;
using Shouldly;

namespace Lockstep.Tests.Shared;

/// <summary>Runs the real <c>git</c> for tests that build a repository around a workspace (compiled into each test project that needs it).</summary>
internal static class GitCommand
{
    /// <summary>Runs <c>git ARGS</c> in <paramref name="cwd"/> with a fixed author; fails the test unless it exits 0; returns its trimmed output.</summary>
    public static string Run(string cwd, params string[] args)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = cwd, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }
        start.Environment["GIT_AUTHOR_NAME"] = start.Environment["GIT_COMMITTER_NAME"] = "t";
        start.Environment["GIT_AUTHOR_EMAIL"] = start.Environment["GIT_COMMITTER_EMAIL"] = "t@example.org";
        using var p = Process.Start(start)!;
        var output = p.StandardOutput.ReadToEnd();
        var error = p.StandardError.ReadToEnd();
        p.WaitForExit();
        p.ExitCode.ShouldBe(0, $"git {string.Join(' ', args)}: {error}");
        return output.Trim();
    }
}
