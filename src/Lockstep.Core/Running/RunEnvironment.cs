using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using Lockstep.Hashing;

namespace Lockstep.Running;

/// <summary>Captures where a run happens: host, user, OS, runtime, packages, assemblies and source revision.</summary>
public static class RunEnvironment
{
    public static string User() => Environment.GetEnvironmentVariable("LOCKSTEP_USER") ?? Environment.UserName;

    public static string Host() => Environment.MachineName;

    /// <summary>The full environment record of a run (not the cache's smaller fingerprint).</summary>
    public static JsonObject Capture()
    {
        var packages = new JsonObject();
        foreach (var (name, version) in EnvironmentFingerprint.AllPackages())
        {
            packages[name] = version;
        }
        var assemblies = new JsonObject();
        foreach (var assembly in AppDomain.CurrentDomain.GetAssemblies().Where(a => !a.IsDynamic).OrderBy(a => a.GetName().Name, StringComparer.Ordinal))
        {
            var name = assembly.GetName();
            var info = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
            assemblies[name.Name ?? "?"] = info ?? name.Version?.ToString() ?? "?";
        }
        var doc = EnvironmentFingerprint.Base();
        doc["host"] = Host();
        doc["user"] = User();
        doc["os_description"] = RuntimeInformation.OSDescription;
        doc["rid"] = RuntimeInformation.RuntimeIdentifier;
        doc["processors"] = Environment.ProcessorCount;
        doc["lockstep"] = typeof(RunEnvironment).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "?";
        doc["packages"] = packages;
        doc["assemblies"] = assemblies;
        return doc;
    }

    /// <summary>The git revision of the workspace and whether its tree has uncommitted changes; "none" outside a repository.</summary>
    public static JsonObject CaptureSource(string workspaceRoot)
    {
        var revision = Git(workspaceRoot, "rev-parse", "HEAD");
        if (revision is null)
        {
            return new JsonObject { ["vcs"] = "none" };
        }
        var status = Git(workspaceRoot, "status", "--porcelain", "--untracked-files=no", "--", ".");
        var branch = Git(workspaceRoot, "rev-parse", "--abbrev-ref", "HEAD");
        return new JsonObject
        {
            ["vcs"] = "git",
            ["revision"] = revision,
            ["branch"] = branch,
            ["dirty"] = !string.IsNullOrWhiteSpace(status),
            ["changed_files"] = string.IsNullOrWhiteSpace(status) ? 0 : status.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length,
        };
    }

    private static string? Git(string cwd, params string[] args)
    {
        try
        {
            var start = new ProcessStartInfo("git") { WorkingDirectory = cwd, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in args)
            {
                start.ArgumentList.Add(a);
            }
            using var p = Process.Start(start)!;
            var output = p.StandardOutput.ReadToEnd();
            p.StandardError.ReadToEnd();
            p.WaitForExit();
            return p.ExitCode == 0 ? output.Trim() : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    /// <summary>A fresh seed for a run that declared none (recorded, so the run can be reproduced).</summary>
    public static long NewSeed() => System.Security.Cryptography.RandomNumberGenerator.GetInt32(int.MaxValue);

    /// <summary>A step's seed derived from the run's seed and the step id: stable, and different per step.</summary>
    public static long DeriveSeed(long runSeed, string stepId)
    {
        var hash = ContentHasher.HashString($"{runSeed}:{stepId}");
        return Convert.ToInt64(hash.Hex[..8], 16) & int.MaxValue;
    }
}
