using System.Diagnostics;
using System.Globalization;

namespace Lockstep.Diagnostics;

/// <summary>
/// Start-up and run phases timed to stderr when <c>LOCKSTEP_TRACE_TIMING=1</c>: where a cached
/// re-run spends its time (bench/core/cached-rerun). Off by default and free when off; the
/// clock here never reaches an output or a record.
/// </summary>
public static class PhaseTrace
{
    private static readonly bool Enabled = Environment.GetEnvironmentVariable("LOCKSTEP_TRACE_TIMING") == "1";
    private static readonly Stopwatch Clock = Stopwatch.StartNew();
    private static readonly Lock Gate = new();
    private static double _last;
    private static bool _started;

    /// <summary>Writes the time since the previous mark and since the process started.</summary>
    public static void Mark(string phase)
    {
        if (!Enabled)
        {
            return;
        }
        lock (Gate)
        {
            if (!_started)
            {
                _started = true;
                using var self = Process.GetCurrentProcess();
                var sinceStart = (DateTime.Now - self.StartTime).TotalMilliseconds;
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[timing] {sinceStart,8:F1} ms  process start → first mark ({phase})"));
                _last = Clock.Elapsed.TotalMilliseconds;
                return;
            }
            var now = Clock.Elapsed.TotalMilliseconds;
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[timing] {now - _last,8:F1} ms  {phase}"));
            _last = now;
        }
    }
}
