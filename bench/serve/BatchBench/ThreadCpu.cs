using System.Runtime.InteropServices;

/// <summary>The calling thread's CPU time (Linux, nanoseconds): on a shared machine, a steadier figure than the wall clock.</summary>
internal static partial class ThreadCpu
{
    private const int ClockThreadCpuTimeId = 3;

    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, out Timespec time);

    /// <summary>Milliseconds of CPU this thread has used.</summary>
    public static double Milliseconds()
    {
        ClockGetTime(ClockThreadCpuTimeId, out var time);
        return time.Seconds * 1e3 + time.Nanoseconds / 1e6;
    }
}
