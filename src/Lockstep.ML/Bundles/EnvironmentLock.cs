using System.Reflection;
using System.Runtime.InteropServices;

namespace Lockstep.ML.Bundles;

/// <summary>
/// The environment a model was trained in. <see cref="Components"/> (the ML.NET assemblies that
/// read and run the model, and Lockstep's own featurization) plus runtime, OS and architecture
/// are checked at load; <see cref="Packages"/> records every package the application ships, for
/// the audit trail.
/// </summary>
public sealed record EnvironmentLock
{
    public required string Runtime { get; init; }
    public required string Os { get; init; }
    public required string Arch { get; init; }
    public required SortedDictionary<string, string> Components { get; init; }
    public SortedDictionary<string, string> Packages { get; init; } = new(StringComparer.Ordinal);

    private static readonly string[] ComponentAssemblies =
    [
        "Microsoft.ML.Core", "Microsoft.ML.Data", "Microsoft.ML.StandardTrainers", "Microsoft.ML.FastTree",
        "Microsoft.ML.LightGbm", "Microsoft.ML.CpuMath", "Lockstep.ML",
    ];

    /// <summary>
    /// The environment of this process. <paramref name="packages"/> false leaves
    /// <see cref="Packages"/> empty: what a load compares (<see cref="DifferencesFrom"/> does not
    /// read it), without reading the application's package list.
    /// </summary>
    public static EnvironmentLock Current(bool packages = true)
    {
        // Every component is loaded by name (not read from whatever happens to be loaded yet), so
        // the lock is the same in a process that trained and in one that only inspects.
        var components = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in ComponentAssemblies)
        {
            try
            {
                components[name] = Version(Assembly.Load(new AssemblyName(name)));
            }
            catch (Exception e) when (e is FileNotFoundException or FileLoadException or BadImageFormatException)
            {
                components[name] = "(none)";
            }
        }
        var all = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (package, version) in packages ? Lockstep.Running.EnvironmentFingerprint.AllPackages() : [])
        {
            all[package] = version;
        }
        return new EnvironmentLock
        {
            Runtime = RuntimeInformation.FrameworkDescription,
            Os = Lockstep.Running.EnvironmentFingerprint.OsFamily(),
            Arch = RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant(),
            Components = components,
            Packages = all,
        };
    }

    /// <summary>What differs between this lock (the bundle's) and <paramref name="here"/>, one line each (runtime, OS, architecture, components; packages are the audit trail, not compared).</summary>
    public IReadOnlyList<string> DifferencesFrom(EnvironmentLock here)
    {
        var diffs = new List<string>();
        void Check(string what, string bundle, string current)
        {
            if (!string.Equals(bundle, current, StringComparison.Ordinal))
            {
                diffs.Add($"{what}: bundle has {bundle}, this process has {current}");
            }
        }
        Check("runtime", Runtime, here.Runtime);
        Check("os", Os, here.Os);
        Check("arch", Arch, here.Arch);
        foreach (var name in Components.Keys.Union(here.Components.Keys).Order(StringComparer.Ordinal))
        {
            Check(name, Components.GetValueOrDefault(name, "(none)"), here.Components.GetValueOrDefault(name, "(none)"));
        }
        return diffs;
    }

    private static string Version(Assembly assembly)
    {
        // The informational version without its "+commit" suffix: a rebuild of the same release
        // must not refuse a model; the code's own hash is in the lineage instead.
        var informational = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        var version = informational ?? assembly.GetName().Version?.ToString() ?? "unknown";
        var plus = version.IndexOf('+', StringComparison.Ordinal);
        return plus < 0 ? version : version[..plus];
    }
}
