using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Lockstep.Cli;
using Lockstep.Serving.Tests.Support;
using Lockstep.Workspaces;
using Microsoft.Data.Sqlite;

namespace Lockstep.Serving.Tests.Cli;

/// <summary>
/// A real <c>lockstep predict</c> process killed with SIGKILL in the middle of a large file: the
/// output never appears under its final name, the store stays intact, the log holds only whole
/// committed blocks (readable to the end), and the next run scores and logs the whole file again.
/// </summary>
public sealed partial class PredictKillTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "lockstep-predict-kill-" + Guid.NewGuid().ToString("N"));

    public PredictKillTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, true);

    [Fact]
    public async Task A_predict_killed_mid_file_leaves_no_output_an_intact_store_and_a_log_of_whole_blocks()
    {
        (await RunAsync("init", _dir)).Code.ShouldBe(0);
        var bundle = Path.Combine(_dir, "adult.lsb");
        await File.WriteAllBytesAsync(bundle, TestBundles.V1);
        // adult.test's data lines 30 times: ≈ 490k rows, seconds of scoring even on a fast machine.
        var lines = File.ReadLines(TestBundles.DataPath("adult", "adult.test")).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
        var input = Path.Combine(_dir, "big.csv");
        await using (var writer = new StreamWriter(input))
        {
            for (var i = 0; i < 30; i++)
            {
                foreach (var line in lines)
                {
                    await writer.WriteLineAsync(line);
                }
            }
        }
        var rows = lines.Count * 30;
        var output = Path.Combine(_dir, "scores.csv");
        string[] predict = ["predict", bundle, "--name", "adult", "--input", input, "--output", output, "--columns", string.Join(",", TestBundles.AdultColumns), "--drop", "income", "--flag-invalid"];

        using (var process = Start(["-w", _dir, .. predict]))
        {
            // Kill once scoring is under way: output is being written and blocks are being logged.
            var partial = output + ".tmp";
            var waited = Stopwatch.StartNew();
            while (!process.HasExited && waited.Elapsed < TimeSpan.FromMinutes(2) && !(File.Exists(partial) && new FileInfo(partial).Length > 2_000_000))
            {
                await Task.Delay(5);
            }
            process.HasExited.ShouldBeFalse("the run finished before it could be killed; make the input larger");
            process.Kill(entireProcessTree: false);
            await process.WaitForExitAsync();
        }

        File.Exists(output).ShouldBeFalse();
        await using (var connection = new SqliteConnection($"Data Source={Path.Combine(Workspace.Find(_dir).StorePath, "lockstep.db")}"))
        {
            await connection.OpenAsync();
            await using var check = connection.CreateCommand();
            check.CommandText = "PRAGMA integrity_check";
            (await check.ExecuteScalarAsync() as string).ShouldBe("ok");
        }
        var logged = await ExportedAsync("killed.parquet");
        logged.ShouldBeLessThan(rows);
        // Every committed block refers to an input object that is in the store (format 3: the
        // object is placed before the first block that refers to it commits).
        var verify = await RunAsync("verify");
        verify.Code.ShouldBe(0, verify.Out + verify.Err);

        var again = await RunAsync(predict);
        again.Code.ShouldBe(0, again.Err);
        File.ReadLines(output).Count().ShouldBe(rows + 1);
        File.Exists(output + ".tmp").ShouldBeFalse();
        (await ExportedAsync("after.parquet")).ShouldBe(logged + rows);
    }

    /// <summary>Exports the whole log (every block decoded) and returns how many predictions it held.</summary>
    private async Task<long> ExportedAsync(string name)
    {
        var export = await RunAsync("predictions", "export", "--model", "adult", "--output", Path.Combine(_dir, name));
        export.Code.ShouldBe(0, export.Err);
        var match = PredictionCount().Match(export.Out);
        match.Success.ShouldBeTrue(export.Out);
        return long.Parse(match.Groups[1].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture);
    }

    private static Process Start(string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "lockstep.dll"));
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        return Process.Start(info) ?? throw new InvalidOperationException("could not start lockstep predict");
    }

    private async Task<(int Code, string Out, string Err)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await LockstepCli.RunAsync(["-w", _dir, .. args], output, error);
        return (code, output.ToString(), error.ToString());
    }

    [GeneratedRegex(@"([\d,]+) predictions")]
    private static partial Regex PredictionCount();
}
