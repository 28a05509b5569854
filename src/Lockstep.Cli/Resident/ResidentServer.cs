using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Lockstep.Cli.Resident;

/// <summary>
/// The resident process: a lockstep that stays up (until it has been idle for
/// LOCKSTEP_RESIDENT_IDLE_SECONDS, 600 by default, or gets SIGTERM) and answers fully cached
/// <c>lockstep run</c> commands of its own build and environment over a Unix socket, so that such
/// a run costs its client about the runtime's start and no more. It answers a command only when
/// every step is a verified cache hit; anything else is handed back and runs in the client's own
/// process, exactly as without it (docs/resident.md).
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
internal static partial class ResidentServer
{
    private const UnixFileMode PrivateFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    private static int _active;
    private static long _lastActivity = Environment.TickCount64;

    public static async Task<int> RunAsync(string socketPath)
    {
        // Its own session: a Ctrl-C at the terminal that started the first run must not stop it,
        // nor the hangup when that terminal closes. The command that started it waits for this
        // byte before it exits (ResidentClient.Start): under `ssh host lockstep run` or `script -c`
        // the session ends with the command, and the hangup came before this process got here.
        _ = setsid();
        try
        {
            using var started = Console.OpenStandardOutput();
            started.WriteByte(1);
        }
        catch (IOException)
        {
            // Nobody waits (started by hand with its output closed): nothing to tell.
        }
        Console.SetOut(TextWriter.Null);
        if (Diagnostics.PhaseTrace.Disabled)
        {
            // Its streams are pipes from the command that started it, long gone. Started by hand
            // with LOCKSTEP_TRACE_TIMING=1, it keeps stderr for the phase trace of each answer.
            Console.SetError(TextWriter.Null);
        }
        // Before its pid is written anywhere: a SIGTERM that came before this would end the process
        // at once, leaving its socket and pid files behind.
        using var stop = new CancellationTokenSource();
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c =>
        {
            c.Cancel = true;
            stop.Cancel();
        });
        using var hangup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, c => c.Cancel = true);
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => c.Cancel = true);
        var folder = Path.GetDirectoryName(socketPath);
        if (folder is null || !EnsurePrivateFolder(folder))
        {
            return 1;
        }
        FileStream holder;
        try
        {
            // One resident process per socket: flock(LOCK_EX) on the lock file, held for life.
            holder = new FileStream(socketPath + ".lock", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            return 0;
        }
        using (holder)
        {
            File.Delete(socketPath);
            using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            listener.Bind(new UnixDomainSocketEndPoint(socketPath));
            listener.Listen(64);
            // Who listens there (lockstep resident status/stop, the tests): written once it listens.
            File.WriteAllText(PidFile(socketPath), $"{Environment.ProcessId}\n");
            try
            {
                await ServeAsync(listener, stop.Token).ConfigureAwait(false);
            }
            finally
            {
                File.Delete(socketPath);
                File.Delete(PidFile(socketPath));
            }
            var drained = Environment.TickCount64 + 30_000;
            while (Volatile.Read(ref _active) > 0 && Environment.TickCount64 < drained)
            {
                await Task.Delay(20).ConfigureAwait(false);
            }
        }
        return 0;
    }

    private static async Task ServeAsync(Socket listener, CancellationToken stop)
    {
        var idle = IdleTimeout();
        var environment = ResidentEndpoint.CurrentEnvironment();
        Stores.Sqlite.SqliteDatabase.StartWarmUp();
        while (!stop.IsCancellationRequested)
        {
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(stop);
            wait.CancelAfter(idle);
            Socket connection;
            try
            {
                connection = await listener.AcceptAsync(wait.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                if (Volatile.Read(ref _active) == 0 && Environment.TickCount64 - Interlocked.Read(ref _lastActivity) >= idle.TotalMilliseconds)
                {
                    return;
                }
                continue;
            }
            Interlocked.Increment(ref _active);
            _ = Task.Run(() => AnswerAsync(connection, environment));
        }
    }

    /// <summary>Answers one command. Nothing a client sends can end the resident process: every failure declines or drops that connection.</summary>
    private static async Task AnswerAsync(Socket connection, List<KeyValuePair<string, string>> environment)
    {
        using (connection)
        {
            try
            {
                if (ResidentProtocol.ReadFrame(connection) is not { } frame || ResidentProtocol.DecodeRequest(frame) is not { } request)
                {
                    return;
                }
                ResidentProtocol.WriteFrame(connection, ResidentProtocol.Encode(await AnswerAsync(request, environment).ConfigureAwait(false)));
            }
            catch (Exception e) when (e is SocketException or IOException or InvalidDataException or EndOfStreamException or ObjectDisposedException)
            {
                // The client went away, or sent what this build does not read: it runs the command itself.
            }
            finally
            {
                Interlocked.Exchange(ref _lastActivity, Environment.TickCount64);
                Interlocked.Decrement(ref _active);
            }
        }
    }

    private static readonly ResidentProtocol.Response Declined = new(false, 0, "", "");

    internal static async Task<ResidentProtocol.Response> AnswerAsync(ResidentProtocol.Request request, List<KeyValuePair<string, string>> environment)
    {
        if (!SameEnvironment(request.Environment, environment) || !Directory.Exists(request.WorkingDirectory))
        {
            return Declined;
        }
        var context = new ResidentContext(request.WorkingDirectory, request.TerminalWidth);
        ResidentContext.Current = context;
        try
        {
            var output = new StringWriter();
            var error = new StringWriter();
            var code = await LockstepCli.RunAsync(request.Arguments, output, error).ConfigureAwait(false);
            return context.RunStarted && !context.Declined ? new ResidentProtocol.Response(true, code, output.ToString(), error.ToString()) : Declined;
        }
#pragma warning disable CA1031 // the resident process's boundary: nothing that escapes a command may end it
        catch (Exception e)
#pragma warning restore CA1031
        {
            // Before the run record exists the client runs the command itself. After it, running it
            // again would record a second run: the answer is the failure, as the command's own
            // error boundary reports one (LockstepCli.SetAction).
            return context.RunStarted
                ? new ResidentProtocol.Response(true, LockstepCli.InternalError, "", $"internal error: {e.GetType().Name}: {e.Message}. This is a bug in Lockstep; please report it.\n")
                : Declined;
        }
        finally
        {
            ResidentContext.Current = null;
        }
    }

    private static bool SameEnvironment(IReadOnlyList<KeyValuePair<string, string>> a, List<KeyValuePair<string, string>> b)
    {
        if (a.Count != b.Count)
        {
            return false;
        }
        for (var i = 0; i < a.Count; i++)
        {
            if (a[i].Key != b[i].Key || a[i].Value != b[i].Value)
            {
                return false;
            }
        }
        return true;
    }

    internal static string PidFile(string socketPath) => socketPath + ".pid";

    private static TimeSpan IdleTimeout() =>
        int.TryParse(Environment.GetEnvironmentVariable("LOCKSTEP_RESIDENT_IDLE_SECONDS"), out var s) && s > 0 ? TimeSpan.FromSeconds(s) : TimeSpan.FromMinutes(10);

    /// <summary>The sockets' folder, made if missing, and refused unless only its owner may enter it.</summary>
    internal static bool EnsurePrivateFolder(string folder)
    {
        try
        {
            Directory.CreateDirectory(folder, PrivateFolder);
            if ((File.GetUnixFileMode(folder) & (UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute)) != 0)
            {
                File.SetUnixFileMode(folder, PrivateFolder);
            }
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>The live resident processes of <paramref name="folder"/>; the files of dead ones (killed, so they could not remove them) are removed.</summary>
    internal static List<ResidentListing> List(string folder)
    {
        var found = new List<ResidentListing>();
        if (!Directory.Exists(folder))
        {
            return found;
        }
        foreach (var socket in Directory.GetFiles(folder, "*.sock"))
        {
            var pidFile = PidFile(socket);
            if (ReadPid(pidFile) is { } pid && IsResident(pid, socket))
            {
                found.Add(new ResidentListing(pid, socket, File.GetLastWriteTimeUtc(pidFile)));
            }
            else if (!IsHeld(socket + ".lock"))
            {
                File.Delete(socket);
                File.Delete(pidFile);
            }
        }
        return found;
    }

    /// <summary>Sends SIGTERM to each live resident process of <paramref name="folder"/> and waits (up to 10 s) until each has exited.</summary>
    internal static async Task<List<int>> StopAllAsync(string folder, CancellationToken cancellationToken)
    {
        var stopped = new List<int>();
        foreach (var p in List(folder))
        {
            if (kill(p.Pid, 15) == 0)
            {
                stopped.Add(p.Pid);
            }
        }
        var deadline = Environment.TickCount64 + 10_000;
        while (stopped.Any(pid => Directory.Exists($"/proc/{pid}")) && Environment.TickCount64 < deadline)
        {
            await Task.Delay(20, cancellationToken).ConfigureAwait(false);
        }
        return stopped;
    }

    private static int? ReadPid(string pidFile)
    {
        try
        {
            return int.TryParse(File.ReadAllText(pidFile).AsSpan().Trim(), out var pid) ? pid : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Whether <paramref name="pid"/> is the resident process of <paramref name="socket"/> (not another process that got its number since).</summary>
    private static bool IsResident(int pid, string socket)
    {
        try
        {
            var commandLine = File.ReadAllText($"/proc/{pid}/cmdline").Split('\0');
            return commandLine.Contains(ResidentEndpoint.ServerVerb) && commandLine.Contains(socket);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Whether a live resident process holds the lock file (it holds it for life).</summary>
    private static bool IsHeld(string lockFile)
    {
        try
        {
            using var probe = new FileStream(lockFile, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
            return false;
        }
        catch (FileNotFoundException)
        {
            return false;
        }
        catch (IOException)
        {
            return true;
        }
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int setsid();

    [LibraryImport("libc", SetLastError = true)]
    private static partial int kill(int pid, int signal);
}
