using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace Lockstep.Serving.Tests.Support;

/// <summary><c>lockstep serve</c> running as a child process, so it can be killed with SIGKILL.</summary>
internal sealed class ServerProcess : IDisposable
{
    private readonly Process _process;

    private ServerProcess(Process process, Uri address)
    {
        _process = process;
        Address = address;
    }

    public Uri Address { get; }

    /// <summary>Starts <c>lockstep -w WORKSPACE --json serve BUNDLE --name adult --port 0 [EXTRA...]</c> and waits for the address it prints.</summary>
    public static async Task<ServerProcess> StartAsync(string workspace, string bundle, params string[] extra)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        string[] args = [Path.Combine(AppContext.BaseDirectory, "lockstep.dll"), "-w", workspace, "--json", "serve", bundle, "--name", "adult", "--port", "0", .. extra];
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start lockstep serve");
        var json = new StringBuilder();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            // --json prints one indented document once the server listens.
            while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                json.AppendLine(line);
                if (line == "}")
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            throw new TimeoutException("lockstep serve did not start within 2 minutes");
        }
        if (json.Length == 0)
        {
            throw new InvalidOperationException("lockstep serve exited: " + await process.StandardError.ReadToEndAsync());
        }
        using var doc = JsonDocument.Parse(json.ToString());
        return new ServerProcess(process, new Uri(doc.RootElement.GetProperty("address").GetString()!));
    }

    /// <summary>SIGKILL: no shutdown hooks, no flushing.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: false);
            _process.WaitForExit();
        }
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }
}
