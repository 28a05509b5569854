using System.Reflection;

namespace Lockstep.Serving.Scoring;

/// <summary>
/// The bundle's environment check compares the ML.NET assemblies loaded in this process with the
/// bundle's lock; Microsoft.ML.CpuMath loads lazily (first vector op), so a fresh serving process
/// would report it as "(none)" and refuse a good bundle. Loading it up front makes the check see
/// the process as it will be when predicting. (Reported to the ML area; harmless once fixed there.)
/// </summary>
internal static class MLAssemblies
{
    private static readonly Lazy<bool> Loaded = new(() =>
    {
        try
        {
            Assembly.Load(new AssemblyName("Microsoft.ML.CpuMath"));
            return true;
        }
        catch (FileNotFoundException)
        {
            return false;
        }
    });

    public static void EnsureLoaded() => _ = Loaded.Value;
}
