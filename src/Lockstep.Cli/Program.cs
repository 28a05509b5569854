namespace Lockstep.Cli;

internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        Diagnostics.PhaseTrace.Mark("main");
        if (args is [Resident.ResidentEndpoint.ServerVerb, var socket] && !OperatingSystem.IsWindows())
        {
            // Like the server: workers that spin for work take the core its client needs. Measured:
            // 15 vs 18 ms of CPU per answer, median answer 10.3–11.4 vs 11.3–12.6 ms (docs/resident.md).
            ServeThreadPool();
            return await Resident.ResidentServer.RunAsync(socket).ConfigureAwait(false);
        }
        Resident.ResidentEndpoint? startResident = null;
        if (Resident.ResidentClient.Eligible(args) && Resident.ResidentEndpoint.ForThisProcess() is { } endpoint)
        {
            // A fully cached run answered by the resident process of this build and environment
            // (docs/resident.md); anything else runs here, as it always did.
            if (Resident.ResidentClient.TryServe(args, endpoint, out var absent) is { } served)
            {
                return served;
            }
            startResident = absent ? endpoint : null;
        }
        if (CommandName(args) == "serve")
        {
            ServeThreadPool();
        }
        if (WarmsStore(args))
        {
            Stores.Sqlite.SqliteDatabase.StartWarmUp();
        }
        var code = await LockstepCli.RunAsync(args, Console.Out, Console.Error).ConfigureAwait(false);
        Diagnostics.PhaseTrace.Mark("command finished, store closed");
        if (startResident is not null && code == 0)
        {
            // After the output, so the run's own time is unchanged; the next run finds it.
            Resident.ResidentClient.Start(startResident);
        }
        return code;
    }

    /// <summary>The command word: the first argument that is neither an option nor the workspace folder after -w.</summary>
    internal static string? CommandName(IReadOnlyList<string> args)
    {
        for (var i = 0; i < args.Count; i++)
        {
            if (args[i] is "-w" or "--workspace")
            {
                i++;
            }
            else if (!args[i].StartsWith('-'))
            {
                return args[i];
            }
        }
        return null;
    }

    /// <summary>
    /// `run` (not a dry run, not help) opens the store after the command line is parsed and the
    /// pipeline is loaded: SQLite loads meanwhile on the other core (bench/core/RESULTS-core.md,
    /// session 5).
    /// </summary>
    internal static bool WarmsStore(IReadOnlyList<string> args)
    {
        if (CommandName(args) != "run")
        {
            return false;
        }
        foreach (var arg in args)
        {
            if (arg is "--dry-run" or "--help" or "-h" or "-?")
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>
    /// For the server and the resident process only: thread-pool workers that find no work sleep at once instead of spinning
    /// first. On 2 cores the spinning workers took the core a request needed: at 1,000 requests/s
    /// the p99 median fell from 1.95 to 1.74 ms and the p50 from 0.70 to 0.57 ms in the same run
    /// (bench/serve.md, bench/serve/p99.sh). Short commands do not gain (a cached run was ~3%
    /// slower with it), so it is set here, before the pool starts its first worker, and only for
    /// `serve` and the resident process. An explicit DOTNET_ThreadPool_UnfairSemaphoreSpinLimit still wins.
    /// </summary>
    private static void ServeThreadPool() =>
        AppContext.SetData("System.Threading.ThreadPool.UnfairSemaphoreSpinLimit", 0);
}
