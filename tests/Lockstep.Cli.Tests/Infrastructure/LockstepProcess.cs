using System.Diagnostics;

namespace Lockstep.Cli.Tests.Infrastructure;

/// <summary>
/// Runs the real <c>lockstep</c> binary (built next to the tests through the project reference) as
/// a child process, the way a user or a CI script does.
/// </summary>
internal static class LockstepProcess
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(120);

    public static string Dll { get; } = Path.Combine(AppContext.BaseDirectory, "lockstep.dll");

    /// <summary>Starts <c>dotnet lockstep.dll ARGS</c> in <paramref name="workingDirectory"/> with stdout and stderr redirected.</summary>
    public static Process Start(string workingDirectory, IEnumerable<string> arguments) => Start(workingDirectory, arguments, null);

    /// <summary>As <see cref="Start(string, IEnumerable{string})"/>, with <paramref name="environment"/> set (or, for a null value, removed) in the child's environment.</summary>
    public static Process Start(string workingDirectory, IEnumerable<string> arguments, IReadOnlyDictionary<string, string?>? environment)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Dll);
        foreach (var a in arguments)
        {
            start.ArgumentList.Add(a);
        }
        // The tests must see the workspace's own store and plain, uncoloured output.
        start.Environment.Remove("LOCKSTEP_STORE");
        start.Environment.Remove("LOCKSTEP_DEBUG");
        start.Environment["NO_COLOR"] = "1";
        // No resident process unless a test asks for one (ResidentTests): each would outlive the test.
        start.Environment["LOCKSTEP_RESIDENT"] = "0";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            start.Environment[name] = value;
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start dotnet");
        process.StandardInput.Close();
        return process;
    }

    public static async Task<CliResult> RunAsync(string workingDirectory, params string[] arguments)
    {
        using var process = Start(workingDirectory, arguments);
        return await CollectAsync(process, arguments);
    }

    public static async Task<CliResult> RunAsync(string workingDirectory, IReadOnlyDictionary<string, string?> environment, params string[] arguments)
    {
        using var process = Start(workingDirectory, arguments, environment);
        return await CollectAsync(process, arguments);
    }

    /// <summary>Waits for a started process and gathers its output.</summary>
    public static async Task<CliResult> CollectAsync(Process process, string[] arguments)
    {
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(Limit);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"lockstep {string.Join(' ', arguments)} did not finish within {Limit.TotalSeconds} s");
        }
        return new CliResult(process.ExitCode, await stdout, await stderr, arguments);
    }
}
