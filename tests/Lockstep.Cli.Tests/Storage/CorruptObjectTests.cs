using Lockstep.Cli.Tests.Infrastructure;
using Shouldly;
using Xunit;

namespace Lockstep.Cli.Tests.Storage;

/// <summary>A byte flipped in a stored object: found by verify, never used as a cache hit or an input.</summary>
public sealed class CorruptObjectTests
{
    private const string Pipeline = """
        version: 1
        name: rot
        seed: 9
        steps:
          - id: sorted
            type: command
            inputs: { raw: data.txt }
            outputs: [out]
            params:
              run: sort ${inputs.raw} > ${outputs.out}
          - id: counted
            type: command
            inputs: { text: sorted.out }
            outputs: [out]
            params:
              run: uniq -c ${inputs.text} > ${outputs.out}
          - id: upper
            type: command
            inputs: { text: sorted.out }
            outputs: [out]
            params:
              run: tr a-z A-Z < ${inputs.text} > ${outputs.out}
        """;

    private static async Task<(TempWorkspace Ws, CliResult First)> RunOnceAsync()
    {
        var ws = new TempWorkspace(Pipeline);
        ws.WriteFile("data.txt", "pear\napple\npear\nfig\n");
        var first = await ws.RunAsync("run", "--json");
        first.ExitCode.ShouldBe(0, first.ToString());
        return (ws, first);
    }

    private static string Output(CliResult run, string step) => (string)run.Steps[step]["outputs"]!["out"]!;

    [Fact]
    public async Task Verify_names_a_corrupt_object_and_exits_with_code_5()
    {
        var (ws, first) = await RunOnceAsync();
        using var _ = ws;
        var hash = Output(first, "upper");
        ws.FlipByte(hash);

        var verify = await ws.RunAsync("verify");
        var json = await ws.RunAsync("verify", "--json");

        verify.ExitCode.ShouldBe(5, verify.ToString());
        verify.StdOut.ShouldContain($"CORRUPT  {hash}");
        json.ExitCode.ShouldBe(5);
        ((bool)json.Json["clean"]!).ShouldBeFalse();
        json.Json["corrupt"]!.AsArray().Select(c => (string)c!["hash"]!).ShouldBe([hash]);
    }

    [Fact]
    public async Task A_damaged_database_page_is_reported_by_verify_is_a_store_error_for_the_commands_that_read_it_and_gc_deletes_nothing()
    {
        var (ws, _) = await RunOnceAsync();
        using var __ = ws;
        var database = Path.Combine(ws.Store, "lockstep.db");
        long root;
        long pageSize;
        await using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={database}"))
        {
            await connection.OpenAsync();
            await using var query = connection.CreateCommand();
            query.CommandText = "SELECT rootpage FROM sqlite_schema WHERE name = 'step_artifacts'";
            root = (long)(await query.ExecuteScalarAsync())!;
            query.CommandText = "PRAGMA page_size";
            pageSize = (long)(await query.ExecuteScalarAsync())!;
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        await using (var file = new FileStream(database, FileMode.Open, FileAccess.Write))
        {
            // The table's page header and cell pointers, overwritten as a disk fault would.
            file.Position = ((root - 1) * pageSize) + 8;
            await file.WriteAsync(Enumerable.Repeat((byte)0xA5, 64).ToArray());
        }
        var objects = Directory.GetFiles(Path.Combine(ws.Store, "objects"), "*", SearchOption.AllDirectories).Order().ToArray();

        var verify = await ws.RunAsync("verify");
        var json = await ws.RunAsync("verify", "--json");
        var show = await ws.RunAsync("runs", "show", "last");
        var gc = await ws.RunAsync("gc");

        verify.ExitCode.ShouldBe(5, verify.ToString());
        verify.StdOut.ShouldContain($"DATABASE Tree {root} page {root}");
        verify.StdOut.ShouldContain("is damaged");
        ((bool)json.Json["clean"]!).ShouldBeFalse();
        json.Json["database_problems"]!.AsArray().Count.ShouldBeGreaterThan(0);
        show.ExitCode.ShouldBe(3, show.ToString());
        show.StdErr.ShouldContain($"the store database {database} failed");
        show.StdErr.ShouldContain("lockstep verify");
        show.StdErr.ShouldNotContain("internal error");
        gc.ExitCode.ShouldBe(3, gc.ToString());
        gc.StdErr.ShouldContain("gc removes nothing");
        Directory.GetFiles(Path.Combine(ws.Store, "objects"), "*", SearchOption.AllDirectories).Order().ToArray().ShouldBe(objects);
    }

    [Fact]
    public async Task A_corrupt_cached_output_is_not_a_cache_hit_the_step_runs_again_and_repairs_the_store()
    {
        var (ws, first) = await RunOnceAsync();
        using var _ = ws;
        var hash = Output(first, "upper");
        ws.FlipByte(hash, offset: 2);

        var next = await ws.RunAsync("run", "--json");

        next.ExitCode.ShouldBe(0, next.ToString());
        ((bool)next.Steps["upper"]["cached"]!).ShouldBeFalse();
        ((string)next.Steps["upper"]["reason"]!).ShouldBe($"cached output 'out' ({hash[..12]}) is corrupt in the store; running again");
        Output(next, "upper").ShouldBe(hash, "the step is deterministic, so it re-creates the same object");
        ((bool)next.Steps["sorted"]["cached"]!).ShouldBeTrue();
        ((bool)next.Steps["counted"]["cached"]!).ShouldBeTrue();
        var verify = await ws.RunAsync("verify");
        verify.ExitCode.ShouldBe(0, verify.ToString());
    }

    [Fact]
    public async Task A_step_whose_input_object_is_corrupt_never_reads_it_the_producer_recreates_it_first()
    {
        var (ws, first) = await RunOnceAsync();
        using var _ = ws;
        var hash = Output(first, "sorted");
        ws.FlipByte(hash);

        // Only the readers are forced; their input must still be re-created, not read corrupt.
        var next = await ws.RunAsync("run", "--json", "--force", "counted", "--force", "upper");

        next.ExitCode.ShouldBe(0, next.ToString());
        ((bool)next.Steps["sorted"]["cached"]!).ShouldBeFalse();
        ((string)next.Steps["sorted"]["reason"]!).ShouldContain("is corrupt in the store");
        Output(next, "counted").ShouldBe(Output(first, "counted"));
        Output(next, "upper").ShouldBe(Output(first, "upper"));
        (await ws.RunAsync("verify")).ExitCode.ShouldBe(0);
    }

    [Fact]
    public async Task A_corrupt_copy_of_an_external_input_is_repaired_from_the_unchanged_file_before_the_step_reads_it()
    {
        var (ws, first) = await RunOnceAsync();
        using var _ = ws;
        var raw = (string)first.Steps["sorted"]["inputs"]!["raw"]!["hash"]!;
        ws.FlipByte(raw);

        var next = await ws.RunAsync("run", "--json", "--force", "sorted");

        next.ExitCode.ShouldBe(0, next.ToString());
        Output(next, "sorted").ShouldBe(Output(first, "sorted"));
        (await ws.RunAsync("verify")).ExitCode.ShouldBe(0);
    }

    [Fact]
    public async Task Reproducing_from_a_corrupt_input_object_fails_and_says_the_object_is_corrupt()
    {
        var (ws, first) = await RunOnceAsync();
        using var _ = ws;
        var raw = (string)first.Steps["sorted"]["inputs"]!["raw"]!["hash"]!;
        ws.FlipByte(raw);
        ws.WriteFile("data.txt", "a different file now\n");

        var reproduced = await ws.RunAsync("reproduce", "last", "--json");

        reproduced.ExitCode.ShouldBe(4, reproduced.ToString());
        ((string)reproduced.Json["first_diverged_step"]!).ShouldBe("sorted");
        ((string)reproduced.Json["cause"]!).ShouldBe("failed");
        var explanation = (string)reproduced.Json["explanation"]!;
        explanation.ShouldContain("corrupt");
        explanation.ShouldContain(raw[..12]);
        reproduced.StdErr.ShouldNotContain("Exception");
        (await ws.RunAsync("verify")).ExitCode.ShouldBe(5, "the damaged object is still reported until it is restored");
    }
}
