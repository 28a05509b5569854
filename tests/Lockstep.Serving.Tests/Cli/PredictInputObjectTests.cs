using Lockstep.Cli;
using Lockstep.Serving.Tests.Support;
using Lockstep.Workspaces;
using Shouldly;
using Xunit;

namespace Lockstep.Serving.Tests.Cli;

/// <summary>`lockstep predict` stores its input file once; gc keeps it while the log refers to it; verify and export report it gone.</summary>
public sealed class PredictInputObjectTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "lockstep-predict-input-" + Guid.NewGuid().ToString("N"));

    public PredictInputObjectTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, true);

    [Fact]
    public async Task Gc_keeps_a_logged_runs_input_and_verify_and_export_name_it_and_its_run_once_it_is_deleted()
    {
        (await RunAsync("init")).Code.ShouldBe(0);
        var bundle = Path.Combine(_dir, "adult.lsb");
        await File.WriteAllBytesAsync(bundle, TestBundles.V1);
        var input = Path.Combine(_dir, "rows.csv");
        var rows = (await File.ReadAllLinesAsync(TestBundles.DataPath("adult", "adult.test"))).Where(l => l.Length > 0 && !l.StartsWith('|') && !l.StartsWith('#')).Take(2000).ToList();
        await File.WriteAllLinesAsync(input, rows);
        string[] predict = ["predict", bundle, "--name", "adult", "--input", input, "--output", Path.Combine(_dir, "scores.csv"), "--columns", string.Join(",", TestBundles.AdultColumns), "--drop", "income", "--flag-invalid"];
        var scored = await RunAsync(predict);
        scored.Code.ShouldBe(0, scored.Err);
        var objects = Path.Combine(Workspace.Find(_dir).StorePath, "objects");
        var stored = Directory.EnumerateFiles(objects, "*", SearchOption.AllDirectories).ToList();
        stored.Count.ShouldBe(1);
        var hash = Path.GetFileName(Path.GetDirectoryName(stored[0])) + Path.GetFileName(stored[0]);
        var before = await RunAsync("predictions", "export", "--model", "adult", "--output", Path.Combine(_dir, "before.csv"));
        before.Code.ShouldBe(0, before.Err);

        var gc = await RunAsync("gc");
        gc.Code.ShouldBe(0, gc.Err);
        File.Exists(stored[0]).ShouldBeTrue();
        var after = await RunAsync("predictions", "export", "--model", "adult", "--output", Path.Combine(_dir, "after.csv"));
        after.Code.ShouldBe(0, after.Err);
        (await File.ReadAllTextAsync(Path.Combine(_dir, "after.csv"))).ShouldBe(await File.ReadAllTextAsync(Path.Combine(_dir, "before.csv")));
        (await RunAsync("verify")).Code.ShouldBe(0);

        File.SetAttributes(stored[0], FileAttributes.Normal);
        File.Delete(stored[0]);
        var verify = await RunAsync("verify");
        verify.Code.ShouldBe(5, verify.Out + verify.Err);
        verify.Out.ShouldContain(hash);
        verify.Out.ShouldContain("batch-");
        var export = await RunAsync("predictions", "export", "--model", "adult", "--output", Path.Combine(_dir, "gone.csv"));
        export.Code.ShouldBe(3, export.Out + export.Err);
        export.Err.ShouldContain(hash);
        export.Err.ShouldContain("lockstep verify");

        // Scoring the same file again stores it again: the log reads whole once more.
        (await RunAsync(predict)).Code.ShouldBe(0);
        File.Exists(stored[0]).ShouldBeTrue();
        (await RunAsync("verify")).Code.ShouldBe(0);
    }

    private async Task<(int Code, string Out, string Err)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await LockstepCli.RunAsync(["-w", _dir, .. args], output, error);
        return (code, output.ToString(), error.ToString());
    }
}
