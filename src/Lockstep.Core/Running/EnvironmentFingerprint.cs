using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Lockstep.Hashing;

namespace Lockstep.Running;

/// <summary>
/// The parts of the environment that can change a step's result: the .NET runtime, OS family and
/// CPU architecture, and the exact versions of the packages the step's assembly depends on
/// (transitively, read from the application's deps.json). Kept small on purpose: a new kernel or
/// host name must not invalidate the cache, a new ML.NET must.
/// </summary>
public static class EnvironmentFingerprint
{
    private static readonly ConcurrentDictionary<Assembly, string> Cache = new();
    private static readonly Lazy<DepsGraph?> Deps = new(DepsGraph.LoadForEntryAssembly);

    /// <summary>Canonical JSON: runtime, os, arch and the package closure of <paramref name="assembly"/>.</summary>
    public static string For(Assembly assembly) => Cache.GetOrAdd(assembly, Compute);

    public static JsonObject Base() => new()
    {
        ["runtime"] = RuntimeInformation.FrameworkDescription,
        ["os"] = OsFamily(),
        ["arch"] = RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant(),
    };

    public static string OsFamily() =>
        OperatingSystem.IsLinux() ? "linux" : OperatingSystem.IsMacOS() ? "macos" : OperatingSystem.IsWindows() ? "windows" : "other";

    private static string Compute(Assembly assembly)
    {
        var doc = Base();
        var packages = new JsonObject();
        var name = assembly.GetName().Name ?? "";
        var closure = Deps.Value?.Closure(name);
        if (closure is not null)
        {
            foreach (var (package, version) in closure)
            {
                packages[package] = version;
            }
        }
        else
        {
            // A plugin outside the application's deps.json: its direct references' versions.
            foreach (var reference in assembly.GetReferencedAssemblies().OrderBy(r => r.Name, StringComparer.Ordinal))
            {
                packages[reference.Name ?? "?"] = reference.Version?.ToString() ?? "?";
            }
        }
        doc["packages"] = packages;
        return CanonicalJson.Serialize(doc);
    }

    /// <summary>The application's dependency graph from its deps.json.</summary>
    internal sealed class DepsGraph
    {
        // A class, not a (version, dependencies) tuple: the dictionary's code over a struct value
        // is not in the precompiled image, and every run reads this graph (JIT-compiled each time).
        private readonly Dictionary<string, Library> _libraries = new(StringComparer.OrdinalIgnoreCase);

        public static DepsGraph? LoadForEntryAssembly()
        {
            var entry = Assembly.GetEntryAssembly();
            if (entry is null)
            {
                return null;
            }
            var path = Path.Combine(AppContext.BaseDirectory, entry.GetName().Name + ".deps.json");
            return File.Exists(path) ? Parse(File.ReadAllText(path)) : null;
        }

        public static DepsGraph Parse(string json)
        {
            var graph = new DepsGraph();
            using var doc = JsonDocument.Parse(json);
            if (!doc.RootElement.TryGetProperty("targets", out var targets))
            {
                return graph;
            }
            foreach (var target in targets.EnumerateObject())
            {
                foreach (var library in target.Value.EnumerateObject())
                {
                    var slash = library.Name.IndexOf('/', StringComparison.Ordinal);
                    if (slash < 0)
                    {
                        continue;
                    }
                    var id = library.Name[..slash];
                    var version = library.Name[(slash + 1)..];
                    var deps = new List<string>();
                    if (library.Value.TryGetProperty("dependencies", out var d))
                    {
                        // A loop, not LINQ over JsonProperty (a struct): see _libraries.
                        foreach (var p in d.EnumerateObject())
                        {
                            deps.Add(p.Name);
                        }
                    }
                    graph._libraries.TryAdd(id, new Library(version, deps.ToArray()));
                }
            }
            return graph;
        }

        /// <summary>Sorted (package, version) pairs reachable from <paramref name="library"/>, or null if it is not listed.</summary>
        public IReadOnlyList<(string Package, string Version)>? Closure(string library)
        {
            if (!_libraries.ContainsKey(library))
            {
                return null;
            }
            // Plain dictionaries and a sorted string array (not SortedDictionary or LINQ sorts over
            // key/value structs): their code is precompiled, so a cached run does not JIT it.
            var seen = new Dictionary<string, string>(StringComparer.Ordinal);
            var stack = new Stack<string>();
            stack.Push(library);
            while (stack.Count > 0)
            {
                var id = stack.Pop();
                if (!_libraries.TryGetValue(id, out var entry) || seen.ContainsKey(id))
                {
                    continue;
                }
                seen[id] = entry.Version;
                foreach (var dep in entry.Dependencies)
                {
                    stack.Push(dep);
                }
            }
            return Sorted(seen.Keys, id => seen[id]);
        }

        public IEnumerable<(string Package, string Version)> All() => Sorted(_libraries.Keys, id => _libraries[id].Version);

        private static List<(string Package, string Version)> Sorted(IEnumerable<string> ids, Func<string, string> version)
        {
            var keys = ids.ToArray();
            Array.Sort(keys, StringComparer.Ordinal);
            var result = new List<(string Package, string Version)>(keys.Length);
            foreach (var key in keys)
            {
                result.Add((key, version(key)));
            }
            return result;
        }

        private sealed record Library(string Version, string[] Dependencies);
    }

    /// <summary>Every package and project in the application's deps.json, sorted.</summary>
    public static IEnumerable<(string Package, string Version)> AllPackages() => Deps.Value?.All() ?? [];
}
