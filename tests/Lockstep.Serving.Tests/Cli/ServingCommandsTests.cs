using System.Text.Json;
using Lockstep.Cli;
using Lockstep.Storage;
using Lockstep.Stores.Sqlite;
using Lockstep.Serving.Tests.Support;
using Lockstep.Workspaces;

namespace Lockstep.Serving.Tests.Cli;

/// <summary>The registry, batch and log commands, run through the real CLI on a real workspace.</summary>
public sealed class ServingCommandsTests : IAsyncLifetime
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "lockstep-cli-" + Guid.NewGuid().ToString("N"));

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_dir);
        (await RunAsync("init", _dir)).Code.ShouldBe(0);
        await using var store = await EmbeddedStore.OpenAsync(Workspace.Find(_dir).StorePath, false, CancellationToken.None);
        foreach (var (bundle, auc) in new[] { (TestBundles.V1, "0.90"), (TestBundles.V2, "0.85") })
        {
            var stored = await store.Objects.PutBytesAsync(bundle, CancellationToken.None);
            await store.Models.RegisterAsync(new ModelRegistration("adult", stored.Hash, "run-cli", "register", "{}", "{\"auc\":" + auc + "}", "tests"), CancellationToken.None);
        }
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_dir, true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Aliases_move_with_a_recorded_reason_a_failing_gate_moves_nothing_and_rollback_restores_the_previous_version()
    {
        (await RunAsync("models", "alias", "adult", "1", "production", "-m", "first release")).Code.ShouldBe(0);

        var refused = await RunAsync("models", "alias", "adult", "2", "production", "--gate", "auc");
        refused.Code.ShouldBe(1);
        refused.Err.ShouldContain("Nothing was moved");
        refused.Err.ShouldNotContain("   at ");
        (await RunAsync("models", "alias", "adult", "2", "production", "--gate", "auc", "--margin", "0.1")).Code.ShouldBe(0);
        (await RunAsync("models", "rollback", "adult", "production", "-m", "v2 misbehaves")).Code.ShouldBe(0);

        var show = await RunAsync("--json", "models", "show", "adult");
        show.Code.ShouldBe(0);
        using var doc = JsonDocument.Parse(show.Out);
        var moves = doc.RootElement.GetProperty("alias_history").EnumerateArray().Select(m => (m.GetProperty("to_version").GetInt32(), m.GetProperty("reason").GetString())).ToList();
        moves.Count.ShouldBe(3);
        moves[0].ShouldBe((1, "first release"));
        moves[1].Item1.ShouldBe(2);
        moves[1].Item2.ShouldNotBeNull().ShouldStartWith("gate passed: auc");
        moves[2].ShouldBe((1, "v2 misbehaves"));
        var list = await RunAsync("models", "list");
        list.Out.ShouldContain("production → 1");
    }

    [Fact]
    public async Task Predict_scores_adult_test_and_the_log_lists_and_exports_what_it_scored()
    {
        (await RunAsync("models", "alias", "adult", "2", "production")).Code.ShouldBe(0);
        var output = Path.Combine(_dir, "scores.csv");

        var predict = await RunAsync("--json", "predict", "adult@production", "--input", TestBundles.DataPath("adult", "adult.test"), "--output", output,
            "--columns", string.Join(",", TestBundles.AdultColumns), "--drop", "income", "--flag-invalid");

        predict.Code.ShouldBe(0, predict.Err);
        using (var doc = JsonDocument.Parse(predict.Out))
        {
            doc.RootElement.GetProperty("rows").GetInt64().ShouldBe(16281);
            doc.RootElement.GetProperty("scored").GetInt64().ShouldBe(16281);
            doc.RootElement.GetProperty("version").GetInt32().ShouldBe(2);
        }
        File.ReadLines(output).Count().ShouldBe(16282);
        var list = await RunAsync("--json", "predictions", "list", "--model", "adult", "--version", "2", "--limit", "3");
        using (var doc = JsonDocument.Parse(list.Out))
        {
            doc.RootElement.GetArrayLength().ShouldBe(3);
            doc.RootElement[0].GetProperty("source").GetString().ShouldBe("batch");
        }
        var parquet = Path.Combine(_dir, "log.parquet");
        var export = await RunAsync("predictions", "export", "--model", "adult", "--output", parquet);
        export.Code.ShouldBe(0);
        export.Out.ShouldContain("16,281 predictions");
        new FileInfo(parquet).Length.ShouldBeGreaterThan(0);
    }

    [Fact]
    public async Task Serving_or_predicting_an_unknown_model_or_binding_beyond_loopback_without_keys_fails_with_a_clear_message()
    {
        var unknown = await RunAsync("predict", "adult@staging", "--input", "x.csv", "--output", "y.csv");
        unknown.Code.ShouldNotBe(0);
        unknown.Err.ShouldContain("no adult@staging");
        (await RunAsync("models", "alias", "adult", "1", "production")).Code.ShouldBe(0);

        var open = await RunAsync("serve", "adult@production", "--host", "0.0.0.0", "--port", "0");

        open.Code.ShouldBe(1);
        open.Err.ShouldContain("--allow-unauthenticated");
        open.Err.ShouldNotContain("   at ");
    }

    [Fact]
    public async Task An_output_in_a_folder_that_does_not_exist_fails_before_anything_is_scored_or_logged()
    {
        (await RunAsync("models", "alias", "adult", "2", "production")).Code.ShouldBe(0);
        var missing = Path.Combine(_dir, "no-such-folder", "scores.csv");

        var predict = await RunAsync("predict", "adult@production", "--input", TestBundles.DataPath("adult", "adult.test"), "--output", missing,
            "--columns", string.Join(",", TestBundles.AdultColumns), "--drop", "income");
        var export = await RunAsync("predictions", "export", "--output", missing);
        var format = await RunAsync("predictions", "export", "--output", Path.Combine(_dir, "log.xyz"), "--format", "xyz");
        var folder = await RunAsync("predictions", "export", "--output", _dir);

        predict.Code.ShouldBe(2);
        predict.Err.ShouldContain($"the folder of --output '{missing}' does not exist");
        predict.Err.ShouldNotContain(".tmp");
        export.Code.ShouldBe(2);
        export.Err.ShouldContain("create it first");
        format.Code.ShouldBe(2);
        format.Err.ShouldContain("--format 'xyz' is not csv or parquet");
        folder.Code.ShouldBe(2);
        folder.Err.ShouldContain("is a folder");
        var list = await RunAsync("--json", "predictions", "list", "--model", "adult");
        list.Code.ShouldBe(0, list.Err);
        using var doc = JsonDocument.Parse(list.Out);
        doc.RootElement.GetArrayLength().ShouldBe(0);
    }

    [Fact]
    public async Task Exporting_a_log_with_a_damaged_block_names_it_and_leaves_the_previous_export_and_no_temporary_file()
    {
        (await RunAsync("models", "alias", "adult", "2", "production")).Code.ShouldBe(0);
        var input = Path.Combine(_dir, "rows.csv");
        await File.WriteAllLinesAsync(input, File.ReadLines(TestBundles.DataPath("adult", "adult.test")).Where(l => l.Length > 0 && !l.StartsWith('|')).Take(200));
        var predict = await RunAsync("--json", "predict", "adult@production", "--input", input, "--output", Path.Combine(_dir, "scores.csv"),
            "--columns", string.Join(",", TestBundles.AdultColumns), "--drop", "income");
        predict.Code.ShouldBe(0, predict.Err);
        var export = Path.Combine(_dir, "log.csv");
        (await RunAsync("predictions", "export", "--output", export)).Code.ShouldBe(0);
        var before = await File.ReadAllBytesAsync(export);
        await using (var store = await EmbeddedStore.OpenAsync(Workspace.Find(_dir).StorePath, false, CancellationToken.None))
        await using (var connection = await store.Database.OpenConnectionAsync(CancellationToken.None))
        await using (var cut = connection.CreateCommand())
        {
            // Cut the block short, as a disk fault or a foreign writer might.
            cut.CommandText = "UPDATE predictions SET block = substr(block, 1, length(block) - 40) WHERE block IS NOT NULL";
            (await cut.ExecuteNonQueryAsync()).ShouldBe(1);
        }

        var damaged = await RunAsync("predictions", "export", "--output", export);

        damaged.Code.ShouldBe(3);
        damaged.Err.ShouldContain("is damaged");
        damaged.Err.ShouldNotContain("   at ");
        File.Exists(export + ".tmp").ShouldBeFalse();
        (await File.ReadAllBytesAsync(export)).ShouldBe(before);
    }

    [Fact]
    public async Task Verify_decodes_the_prediction_log_and_names_a_damaged_block_while_the_objects_stay_checked()
    {
        (await RunAsync("models", "alias", "adult", "2", "production")).Code.ShouldBe(0);
        var input = Path.Combine(_dir, "rows.csv");
        await File.WriteAllLinesAsync(input, File.ReadLines(TestBundles.DataPath("adult", "adult.test")).Where(l => l.Length > 0 && !l.StartsWith('|') && !l.StartsWith('#')).Take(200));
        (await RunAsync("predict", "adult@production", "--input", input, "--output", Path.Combine(_dir, "scores.csv"),
            "--columns", string.Join(",", TestBundles.AdultColumns), "--drop", "income")).Code.ShouldBe(0);

        var sound = await RunAsync("--json", "verify");
        var soundText = await RunAsync("verify");

        sound.Code.ShouldBe(0, sound.Out + sound.Err);
        using (var doc = JsonDocument.Parse(sound.Out))
        {
            doc.RootElement.GetProperty("clean").GetBoolean().ShouldBeTrue();
            doc.RootElement.GetProperty("predictions_checked").GetInt64().ShouldBe(200);
            doc.RootElement.GetProperty("prediction_blocks_checked").GetInt64().ShouldBe(1);
            doc.RootElement.GetProperty("database_problems").GetArrayLength().ShouldBe(0);
        }
        soundText.Out.ShouldContain("200 logged prediction(s) readable");
        string requestId;
        await using (var store = await EmbeddedStore.OpenAsync(Workspace.Find(_dir).StorePath, false, CancellationToken.None))
        await using (var connection = await store.Database.OpenConnectionAsync(CancellationToken.None))
        await using (var cut = connection.CreateCommand())
        {
            cut.CommandText = "UPDATE predictions SET block = substr(block, 1, length(block) - 40) WHERE block IS NOT NULL RETURNING request_id";
            requestId = (string)(await cut.ExecuteScalarAsync())!;
        }

        var damaged = await RunAsync("--json", "verify");
        var damagedText = await RunAsync("verify");

        damaged.Code.ShouldBe(5); // VerifyCommand.Damaged, as README-CLI documents
        using (var doc = JsonDocument.Parse(damaged.Out))
        {
            doc.RootElement.GetProperty("clean").GetBoolean().ShouldBeFalse();
            doc.RootElement.GetProperty("objects_checked").GetInt32().ShouldBeGreaterThan(0);
            doc.RootElement.GetProperty("corrupt").GetArrayLength().ShouldBe(0);
            var blocks = doc.RootElement.GetProperty("damaged_prediction_blocks");
            blocks.GetArrayLength().ShouldBe(1);
            blocks[0].GetString()!.ShouldContain($"request {requestId} (row 0 on)");
        }
        damagedText.Code.ShouldBe(5);
        damagedText.Out.ShouldContain("DAMAGED  prediction log: ");
        damagedText.Out.ShouldContain("1 of 1 prediction-log block(s) cannot be read");
        damagedText.Err.ShouldBeEmpty();
    }

    private async Task<(int Code, string Out, string Err)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await LockstepCli.RunAsync(["-w", _dir, .. args], output, error);
        return (code, output.ToString(), error.ToString());
    }
}
