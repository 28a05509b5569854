using System.Diagnostics;
using System.Text;

namespace Lockstep.Cli.Resident;

/// <summary>
/// The command's side: hand a <c>lockstep run</c> to the resident process of this build and
/// environment if one is listening, and start one (after the command's own run) if none is.
/// </summary>
internal static class ResidentClient
{
    /// <summary>
    /// Whether the resident process may answer this command line: a <c>run</c> (not a dry run, not
    /// help, not forced, which always executes) whose output goes to a file or a pipe (at a
    /// terminal the run shows progress and colour from its own process), with the resident process
    /// enabled (<see cref="ResidentEndpoint.Enabled"/>) and no phase tracing asked for.
    /// </summary>
    public static bool Eligible(string[] args)
    {
        if (!OperatingSystem.IsLinux() || Program.CommandName(args) != "run" || !ResidentEndpoint.Enabled())
        {
            return false;
        }
        foreach (var arg in args)
        {
            if (arg is "--dry-run" or "--help" or "-h" or "-?" or "--force" || arg.StartsWith("--force=", StringComparison.Ordinal))
            {
                return false;
            }
        }
        return Diagnostics.PhaseTrace.Disabled && Console.IsOutputRedirected;
    }

    /// <summary>
    /// Asks the resident process at <paramref name="endpoint"/> to answer the command. Returns its
    /// exit code after writing its output, or null when the command must run here: nobody listens
    /// (<paramref name="absent"/>), or the resident process declined (a step to execute, an error
    /// to report, a plugin to load), or the connection broke.
    /// </summary>
    public static int? TryServe(string[] args, ResidentEndpoint endpoint, out bool absent)
    {
        absent = false;
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }
        var request = ResidentProtocol.Encode(new ResidentProtocol.Request(Directory.GetCurrentDirectory(), args, endpoint.Environment));
        var payload = UnixSocketClient.Exchange(endpoint.SocketPath, request, out var connected);
        absent = !connected;
        if (payload is null || ResidentProtocol.DecodeResponse(payload) is not { Served: true } response)
        {
            return null;
        }
        // Straight to the descriptors: the command's text is already encoded as it would have been printed.
        UnixSocketClient.WriteAll(1, Encoding.UTF8.GetBytes(response.Output));
        UnixSocketClient.WriteAll(2, Encoding.UTF8.GetBytes(response.Error));
        return response.ExitCode;
    }

    /// <summary>
    /// Starts a resident process for <paramref name="endpoint"/> in the background: the same
    /// executable (or <c>dotnet lockstep.dll</c>), the same environment, in a session of its own,
    /// its standard streams on pipes it never writes to, so that nothing waiting for this
    /// command's output waits for it. Best effort: a failure to start changes nothing.
    /// </summary>
    public static void Start(ResidentEndpoint endpoint)
    {
        try
        {
            var exe = Environment.ProcessPath;
            if (exe is null)
            {
                return;
            }
            var start = new ProcessStartInfo(exe)
            {
                WorkingDirectory = "/",
                UseShellExecute = false,
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            if (Path.GetFileNameWithoutExtension(exe) == "dotnet")
            {
                start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "lockstep.dll"));
            }
            start.ArgumentList.Add(ResidentEndpoint.ServerVerb);
            start.ArgumentList.Add(endpoint.SocketPath);
            using var process = Process.Start(start);
            process?.StandardInput.Close();
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or IOException or InvalidOperationException)
        {
            // No resident process: the next run starts as this one did.
        }
    }
}
