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
    /// help, not forced, which always executes), with the resident process enabled
    /// (<see cref="ResidentEndpoint.Enabled"/>) and no phase tracing asked for.
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
        return Diagnostics.PhaseTrace.Disabled;
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
        // At a terminal the answer is the table a run prints there once its progress display has
        // cleared itself, laid out for the terminal's width (a cached run's table has no colour).
        var width = Console.IsOutputRedirected ? 0 : UnixSocketClient.TerminalColumns(1);
        if (width == 0 && !Console.IsOutputRedirected)
        {
            return null;
        }
        var request = ResidentProtocol.Encode(new ResidentProtocol.Request(Directory.GetCurrentDirectory(), args, endpoint.Environment, width));
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
    /// Waits for the byte the resident process writes once it has a session of its own (or for the
    /// end of its output, if it exits first): until then it is in this command's process group, and
    /// a terminal or ssh session that ends with this command would hang it up. Once per resident
    /// process, on the run that starts it. Read from the pipe's descriptor as a plain file, as git's
    /// output is (RunEnvironment): the pipe stream would load the socket machinery.
    /// </summary>
    private static void WaitUntilDetached(Process process)
    {
        if (process.StandardOutput.BaseStream is not System.IO.Pipes.PipeStream pipe)
        {
            return;
        }
        using var handle = new Microsoft.Win32.SafeHandles.SafeFileHandle(pipe.SafePipeHandle.DangerousGetHandle(), ownsHandle: false);
        using var file = new FileStream(handle, FileAccess.Read, bufferSize: 0);
        _ = file.ReadByte();
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
            if (process is null)
            {
                return;
            }
            process.StandardInput.Close();
            WaitUntilDetached(process);
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or IOException or InvalidOperationException)
        {
            // No resident process: the next run starts as this one did.
        }
    }
}
