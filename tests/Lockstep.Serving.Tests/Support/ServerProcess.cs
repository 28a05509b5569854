using System.Diagnostics;

namespace Lockstep.Serving.Tests.Support;

/// <summary>The test server host running as a child process, so it can be killed with SIGKILL.</summary>
internal sealed class ServerProcess : IDisposable
{
    private readonly Process _process;

    private ServerProcess(Process process, Uri address)
    {
        _process = process;
        Address = address;
    }

    public Uri Address { get; }

    public static async Task<ServerProcess> StartAsync(string storeRoot, string bundle)
    {
        var addressFile = Path.Combine(storeRoot, "address-" + Guid.NewGuid().ToString("N"));
        var info = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        info.ArgumentList.Add(HostDll());
        info.ArgumentList.Add(storeRoot);
        info.ArgumentList.Add(bundle);
        info.ArgumentList.Add(addressFile);
        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start the server process");
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (!File.Exists(addressFile))
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException("the server process exited: " + await process.StandardError.ReadToEndAsync());
            }
            if (DateTime.UtcNow > deadline)
            {
                process.Kill();
                throw new TimeoutException("the server process did not start within 2 minutes");
            }
            await Task.Delay(50);
        }
        return new ServerProcess(process, new Uri(await File.ReadAllTextAsync(addressFile)));
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

    private static string HostDll()
    {
        var here = AppContext.BaseDirectory;
        var tests = Path.GetFullPath(Path.Combine(here, "..", "..", "..", ".."));
        var config = new DirectoryInfo(Path.Combine(here, "..")).Name;
        var dll = Path.Combine(tests, "Lockstep.Serving.TestHost", "bin", config, "net10.0", "Lockstep.Serving.TestHost.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException("build tests/Lockstep.Serving.TestHost first", dll);
    }
}
