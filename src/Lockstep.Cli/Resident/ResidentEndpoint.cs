using System.Collections;
using System.Text;

namespace Lockstep.Cli.Resident;

/// <summary>
/// Where the resident process for this build and this environment listens: a Unix socket named by
/// a hash of the build's files (path, size, modification time) and of the environment variables
/// that can change what a fully cached run does or records (<see cref="Matters"/>), in a folder only
/// the user can open. A rebuilt or upgraded lockstep, or a change to one of those variables, finds
/// another socket, so a resident process only answers commands that would have run with exactly
/// its code and that part of its environment.
/// </summary>
internal sealed record ResidentEndpoint(string SocketPath, IReadOnlyList<KeyValuePair<string, string>> Environment)
{
    /// <summary>The hidden first argument that makes <c>lockstep</c> a resident process: <c>lockstep __resident SOCKET</c>.</summary>
    public const string ServerVerb = "__resident";

    /// <summary>Exact names among <see cref="Matters"/>: where git finds itself and its configuration, the locale, the time zone, the temporary folder.</summary>
    private static readonly HashSet<string> Named = new(StringComparer.Ordinal)
    {
        "PATH", "HOME", "XDG_CONFIG_HOME", "LANG", "LANGUAGE", "TZ", "TMPDIR",
    };

    /// <summary>A socket's path must fit in sockaddr_un (108 bytes on Linux, with its terminating zero).</summary>
    private const int MaxSocketPath = 107;

    public string LockPath => SocketPath + ".lock";

    /// <summary>
    /// Whether commands may use a resident process: LOCKSTEP_RESIDENT=0 turns it off, =1 on; by
    /// default it is on, except under CI (CI set to anything but "false"), where a process that
    /// outlives the job is unwelcome.
    /// </summary>
    public static bool Enabled()
    {
        var setting = System.Environment.GetEnvironmentVariable("LOCKSTEP_RESIDENT");
        if (setting is "0" or "false" or "off")
        {
            return false;
        }
        if (setting is "1" or "true" or "on")
        {
            return true;
        }
        return System.Environment.GetEnvironmentVariable("CI") is null or "" or "false" or "0";
    }

    /// <summary>The folder of the sockets: LOCKSTEP_RESIDENT_DIR, else $XDG_RUNTIME_DIR/lockstep, else ~/.cache/lockstep/resident.</summary>
    public static string? Folder()
    {
        if (System.Environment.GetEnvironmentVariable("LOCKSTEP_RESIDENT_DIR") is { Length: > 0 } explicitDir)
        {
            return Path.GetFullPath(explicitDir);
        }
        if (System.Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR") is { Length: > 0 } runtime)
        {
            return Path.Combine(runtime, "lockstep");
        }
        var cache = System.Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } c ? c
            : System.Environment.GetEnvironmentVariable("HOME") is { Length: > 0 } home ? Path.Combine(home, ".cache") : null;
        return cache is null ? null : Path.Combine(cache, "lockstep", "resident");
    }

    /// <summary>This process's endpoint, or null when there is no usable folder (no HOME, a path too long for a socket).</summary>
    public static ResidentEndpoint? ForThisProcess()
    {
        var folder = Folder();
        if (folder is null)
        {
            return null;
        }
        var environment = CurrentEnvironment();
        var hash = new Fnv();
        hash.Add(BuildIdentity());
        foreach (var (name, value) in environment)
        {
            hash.Add(name);
            hash.Add(value);
        }
        var path = Path.Combine(folder, hash.Hex + ".sock");
        return Encoding.UTF8.GetByteCount(path) > MaxSocketPath ? null : new ResidentEndpoint(path, environment);
    }

    /// <summary>
    /// Whether a variable can change what a fully cached run does or records, the only kind the
    /// resident process answers (it executes no step, so no step's environment is involved):
    /// Lockstep's own (LOCKSTEP_STORE, LOCKSTEP_USER, …, but not the resident process's settings),
    /// the runtime's (DOTNET_, COMPlus_, CORECLR_), git's (GIT_ and <see cref="Named"/>, for the
    /// source revision a run records) and the locale (LC_). Everything else — a terminal's or a
    /// benchmark tool's per-command variables — would start a resident process per command if it
    /// named the socket, and changes nothing a cached run does.
    /// </summary>
    internal static bool Matters(string name) =>
        Named.Contains(name)
        || name.StartsWith("LOCKSTEP_", StringComparison.Ordinal) && !name.StartsWith("LOCKSTEP_RESIDENT", StringComparison.Ordinal)
        || name.StartsWith("DOTNET_", StringComparison.Ordinal)
        || name.StartsWith("COMPlus_", StringComparison.OrdinalIgnoreCase)
        || name.StartsWith("CORECLR_", StringComparison.Ordinal)
        || name.StartsWith("GIT_", StringComparison.Ordinal)
        || name.StartsWith("LC_", StringComparison.Ordinal);

    /// <summary>The environment variables that name the endpoint (<see cref="Matters"/>), sorted by name.</summary>
    public static List<KeyValuePair<string, string>> CurrentEnvironment()
    {
        var list = new List<KeyValuePair<string, string>>();
        foreach (DictionaryEntry e in System.Environment.GetEnvironmentVariables())
        {
            if (e.Key is string name && e.Value is string value && Matters(name))
            {
                list.Add(new KeyValuePair<string, string>(name, value));
            }
        }
        list.Sort(static (a, b) => string.CompareOrdinal(a.Key, b.Key));
        return list;
    }

    /// <summary>The files that make up a build: the entry assembly, the composite image, the dependency list (every package version) and Lockstep's assemblies.</summary>
    private static readonly string[] BuildFiles =
    [
        "lockstep.dll", "lockstep.r2r.dll", "lockstep.deps.json", "lockstep.runtimeconfig.json",
        "Lockstep.Core.dll", "Lockstep.Data.dll", "Lockstep.ML.dll", "Lockstep.Serving.dll", "Lockstep.Stores.Sqlite.dll",
    ];

    /// <summary>
    /// The running build: the executable and <see cref="BuildFiles"/> beside it, by path, size and
    /// modification time (a publish or a build rewrites them). A few stat calls: no file is read,
    /// and the folder is not listed (a self-contained build holds ≈ 390 files).
    /// </summary>
    internal static string BuildIdentity()
    {
        var text = new StringBuilder();
        text.Append(System.Environment.ProcessPath).Append('\n');
        var folder = AppContext.BaseDirectory;
        foreach (var name in BuildFiles)
        {
            var info = new FileInfo(Path.Combine(folder, name));
            text.Append(name).Append(' ');
            if (info.Exists)
            {
                text.Append(info.Length).Append(' ').Append(info.LastWriteTimeUtc.Ticks);
            }
            text.Append('\n');
        }
        return text.ToString();
    }

    /// <summary>FNV-1a, 64 bits: a name for a socket, not a security boundary (the folder is the user's own).</summary>
    private struct Fnv
    {
        private ulong _value;

        public Fnv() => _value = 14695981039346656037UL;

        public void Add(string text)
        {
            foreach (var c in text)
            {
                _value = (_value ^ c) * 1099511628211UL;
            }
            _value = (_value ^ 0xFFFF) * 1099511628211UL;
        }

        public readonly string Hex => _value.ToString("x16", System.Globalization.CultureInfo.InvariantCulture);
    }
}

/// <summary>A resident process found in the socket folder: its pid, its socket, and since when it listens.</summary>
internal sealed record ResidentListing(int Pid, string Socket, DateTime Since);
