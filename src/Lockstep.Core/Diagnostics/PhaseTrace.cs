using System.Diagnostics;
using System.Globalization;

namespace Lockstep.Diagnostics;

/// <summary>
/// Start-up and run phases timed to stderr when <c>LOCKSTEP_TRACE_TIMING=1</c>: where a cached
/// re-run spends its time (bench/core/cached-rerun). Off by default and free when off; the
/// clock here never reaches an output or a record. Each line names the managed thread that wrote
/// it; with <c>LOCKSTEP_TRACE_ASSEMBLIES=1</c> also the assemblies loaded since the previous mark.
/// </summary>
public static class PhaseTrace
{
    private static readonly bool Enabled = Environment.GetEnvironmentVariable("LOCKSTEP_TRACE_TIMING") == "1";

    /// <summary>No phase trace was asked for (LOCKSTEP_TRACE_TIMING is not 1): the resident process only answers untraced runs.</summary>
    public static bool Disabled => !Enabled;

    private static readonly Stopwatch Clock = Stopwatch.StartNew();
    private static readonly Lock Gate = new();
    private static double _last;
    private static long _lastJitted;
    private static double _lastJitMs;
    private static int _lastAssemblies;
    private static bool _started;
    private static JitTrace? _jit;
    private static readonly HashSet<string> Seen = new(StringComparer.Ordinal);

    /// <summary>Writes the time since the previous mark and since the process started.</summary>
    public static void Mark(string phase)
    {
        // The check alone, so that a run without the trace never needs the writer's code: the
        // shipped image does not hold it, and the JIT compiled all of it (≈ 1.2 KB) in every process.
        if (Enabled)
        {
            Write(phase);
        }
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static void Write(string phase)
    {
        lock (Gate)
        {
            if (!_started)
            {
                _started = true;
                if (Environment.GetEnvironmentVariable("LOCKSTEP_TRACE_JIT") == "1")
                {
                    _jit = new JitTrace();
                }
                using var self = Process.GetCurrentProcess();
                var sinceStart = (DateTime.Now - self.StartTime).TotalMilliseconds;
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[timing] {sinceStart,8:F1} ms  process start → first mark ({phase}){Counters()}"));
                _last = Clock.Elapsed.TotalMilliseconds;
                return;
            }
            var now = Clock.Elapsed.TotalMilliseconds;
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[timing] {now - _last,8:F1} ms  {phase} t{Environment.CurrentManagedThreadId}{Counters()}"));
            _last = now;
        }
    }

    /// <summary>
    /// What the phase cost besides its own work: methods the JIT compiled (ReadyToRun code needs
    /// none), JIT time and assemblies loaded, since the previous mark.
    /// </summary>
    private static string Counters()
    {
        var jitted = System.Runtime.JitInfo.GetCompiledMethodCount();
        var jitMs = System.Runtime.JitInfo.GetCompilationTime().TotalMilliseconds;
        var assemblies = AppDomain.CurrentDomain.GetAssemblies().Length;
        var text = string.Create(CultureInfo.InvariantCulture, $"   [+{jitted - _lastJitted} jitted, {jitMs - _lastJitMs:F1} ms JIT, +{assemblies - _lastAssemblies} assemblies]");
        if (Environment.GetEnvironmentVariable("LOCKSTEP_TRACE_ASSEMBLIES") == "1")
        {
            var names = new List<string>();
            foreach (var a in AppDomain.CurrentDomain.GetAssemblies())
            {
                var n = a.GetName().Name ?? "?";
                if (Seen.Add(n))
                {
                    names.Add(n);
                }
            }
            text += " " + string.Join(",", names);
        }
        (_lastJitted, _lastJitMs, _lastAssemblies) = (jitted, jitMs, assemblies);
        return text;
    }
}
