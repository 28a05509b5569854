using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using Lockstep.Hashing;

namespace Lockstep.Running;

/// <summary>Captures where a run happens: host, user, OS, runtime, packages, assemblies and source revision.</summary>
public static class RunEnvironment
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<Assembly, string> Versions = new();

    public static string User() => Environment.GetEnvironmentVariable("LOCKSTEP_USER") ?? Environment.UserName;

    public static string Host() => Environment.MachineName;

    /// <summary>The full environment record of a run (not the cache's smaller fingerprint).</summary>
    public static JsonObject Capture() => Capture(AppDomain.CurrentDomain.GetAssemblies());

    /// <summary>
    /// As <see cref="Capture()"/>, listing <paramref name="loaded"/> as the process's assemblies: a
    /// runner passes those loaded when the run started, before it hashes inputs on another thread
    /// (which would add the hashing code's assemblies). The list is what the process had loaded at
    /// that moment, so, as before, it can differ between runs by what other threads (git's spawn,
    /// the console) had loaded by then; `lockstep diff` does not compare it. Packages and the
    /// runtime, which decide results, are listed in full either way.
    /// </summary>
    public static JsonObject Capture(IReadOnlyList<Assembly> loaded)
    {
        var packages = new JsonObject();
        foreach (var (name, version) in EnvironmentFingerprint.AllPackages())
        {
            packages[name] = version;
        }
        var assemblies = new JsonObject();
        foreach (var assembly in loaded.Where(a => !a.IsDynamic).OrderBy(a => a.GetName().Name, StringComparer.Ordinal))
        {
            assemblies[assembly.GetName().Name ?? "?"] = VersionOf(assembly);
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

    /// <summary>
    /// Reads ahead what <see cref="Capture(IReadOnlyList{Assembly})"/> needs that does not depend on
    /// the moment it is called: the application's deps.json, the runtime's and host's descriptions
    /// and the versions of the assemblies loaded so far (custom-attribute reflection). A runner calls
    /// it on the second core while its own thread opens the run; the record lists the assemblies it
    /// is given either way, so it is the same with or without it.
    /// </summary>
    public static void Prepare()
    {
        _ = EnvironmentFingerprint.AllPackages();
        // The first read of each loads and prepares its code (the runtime keeps the first three).
        _ = (RuntimeInformation.FrameworkDescription, RuntimeInformation.OSDescription, RuntimeInformation.RuntimeIdentifier, Host(), User());
        foreach (var assembly in AppDomain.CurrentDomain.GetAssemblies())
        {
            if (!assembly.IsDynamic)
            {
                VersionOf(assembly);
            }
        }
    }

    private static string VersionOf(Assembly assembly) => Versions.GetOrAdd(assembly, static a =>
    {
        var name = a.GetName();
        var info = a.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        return info ?? name.Version?.ToString() ?? "?";
    });

    /// <summary>The git revision of the workspace and whether its tree has uncommitted changes; "none" outside a repository.</summary>
    public static JsonObject CaptureSource(string workspaceRoot) =>
        CaptureSourceAsync(workspaceRoot, CancellationToken.None).GetAwaiter().GetResult();

    /// <summary>
    /// <see cref="CaptureSource"/> without blocking: git is spawned on a thread of its own, so a caller
    /// that starts it first thing (lockstep run does) overlaps git's work with its own start-up
    /// and awaits the result only when the run record is written.
    /// </summary>
    public static Task<JsonObject> CaptureSourceAsync(string workspaceRoot, CancellationToken cancellationToken) =>
        // One git process, not three: porcelain v2 with --branch reports the commit, the branch
        // and the changed tracked files together, and a fully cached re-run pays for every spawn.
        // Parsed on git's reader thread (not in an async method awaiting it): an async method
        // that suspends boxes its state machine, and that generic box over our struct is code no
        // precompiled image holds, so it was JIT-compiled in every run (≈ 6 methods).
        GitAsync(workspaceRoot, ParseStatus, cancellationToken, "status", "--porcelain=v2", "--branch", "--untracked-files=no", "--", ".");

    private static JsonObject ParseStatus(string? status)
    {
        string? revision = null, branch = null;
        var changed = 0;
        foreach (var line in (status ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.StartsWith("# branch.oid ", StringComparison.Ordinal))
            {
                revision = line["# branch.oid ".Length..].Trim();
            }
            else if (line.StartsWith("# branch.head ", StringComparison.Ordinal))
            {
                branch = line["# branch.head ".Length..].Trim();
            }
            else if (!line.StartsWith('#'))
            {
                changed++;
            }
        }
        if (revision is null or "(initial)")
        {
            return new JsonObject { ["vcs"] = "none" };
        }
        return new JsonObject
        {
            ["vcs"] = "git",
            ["revision"] = revision,
            // what 'git rev-parse --abbrev-ref HEAD' says on a detached head
            ["branch"] = branch == "(detached)" ? "HEAD" : branch,
            ["dirty"] = changed > 0,
            ["changed_files"] = changed,
        };
    }

    /// <summary>Runs git in <paramref name="cwd"/>; <paramref name="parse"/> gets its output, or null if git failed or is missing.</summary>
    private static Task<T> GitAsync<T>(string cwd, Func<string?, T> parse, CancellationToken cancellationToken, params string[] args) =>
        // Started, read and parsed on a thread of its own (blocking reads: git's output is small).
        // Spawning it there too keeps Process.Start off the caller's thread: the first spawn in a
        // process loads and initialises the process machinery (≈ 25 JIT-compiled methods, 7–9 ms
        // of `lockstep run`'s main thread, bench/core/RESULTS-core.md session 6), which now runs
        // on the second core while the caller reads and plans the pipeline. A missing git is
        // still "none"; any other failure is still the task's, seen where it is awaited.
        Task.Factory.StartNew(() =>
        {
            Process p;
            try
            {
                var start = new ProcessStartInfo("git") { WorkingDirectory = cwd, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
                foreach (var a in args)
                {
                    start.ArgumentList.Add(a);
                }
                p = Process.Start(start)!;
            }
            catch (System.ComponentModel.Win32Exception)
            {
                return parse(null);
            }
            using (p)
            {
                var output = ReadPipe(p.StandardOutput);
                ReadPipe(p.StandardError);
                p.WaitForExit();
                return parse(p.ExitCode == 0 ? output.Trim() : null);
            }
        }, cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    /// <summary>
    /// A child's redirected output to its end, read from the pipe's descriptor as a plain file.
    /// On Unix, reading the process's pipe stream receives through a socket over the descriptor,
    /// which loads System.Net.Sockets, starts the runtime's socket engine thread and its telemetry
    /// event source (built by reflection): ≈ 8 assemblies and 20 JIT-compiled methods for a few
    /// lines of git output. The reader keeps the descriptor; it is closed with the process.
    /// </summary>
    private static string ReadPipe(StreamReader reader)
    {
        if (reader.BaseStream is not System.IO.Pipes.PipeStream pipe || !OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
        {
            return reader.ReadToEnd();
        }
        using var handle = new Microsoft.Win32.SafeHandles.SafeFileHandle(pipe.SafePipeHandle.DangerousGetHandle(), ownsHandle: false);
        using var file = new FileStream(handle, FileAccess.Read, bufferSize: 0);
        using var text = new StreamReader(file, reader.CurrentEncoding, detectEncodingFromByteOrderMarks: false);
        return text.ReadToEnd();
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
