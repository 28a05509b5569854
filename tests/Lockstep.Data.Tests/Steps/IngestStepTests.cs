using Lockstep.Data.Snapshots;
using Lockstep.Data.Statistics;

namespace Lockstep.Data.Tests.Steps;

public sealed class IngestStepTests
{
    private const string Pipeline = """
        version: 1
        name: t
        seed: 1
        steps:
          - id: ingest
            type: ingest
            inputs: {source: people.csv}
            params:
              missing: ["", "?"]
              types: {age: int64}
              name: people
              on_bad_rows: skip
        """;

    [Fact]
    public async Task An_ingest_step_writes_a_snapshot_statistics_report_and_empty_rejects_and_registers_version_1()
    {
        await using var h = await PipelineHarness.CreateAsync();
        h.Write("people.csv", "name,age\nann,31\nbob,?\n");
        var run = await h.RunAsync(Pipeline);
        run.Succeeded.ShouldBeTrue(run.Run.Error);
        var table = await SnapshotFile.ReadAsync(await h.OutputPathAsync(run, "ingest", "snapshot"), CancellationToken.None);
        table.RowCount.ShouldBe(2);
        var stats = await DatasetStatistics.ReadAsync(await h.OutputPathAsync(run, "ingest", "statistics"), CancellationToken.None);
        stats.Find("age")!.Missing.ShouldBe(1);
        (await File.ReadAllTextAsync(await h.OutputPathAsync(run, "ingest", "report"))).ShouldContain("<svg");
        new FileInfo(await h.OutputPathAsync(run, "ingest", "rejects")).Length.ShouldBe(0);

        var entry = await h.Store.Datasets.FindAsync("people", null, CancellationToken.None);
        entry.ShouldNotBeNull();
        entry.Version.ShouldBe(1);
        entry.Rows.ShouldBe(2);
        entry.Snapshot.ShouldBe(run.Steps.Single().Outputs.Single(o => o.Name == "snapshot").Hash);
    }

    [Fact]
    public async Task Changed_data_adds_version_2_and_a_pinned_dataset_step_still_gives_version_1()
    {
        await using var h = await PipelineHarness.CreateAsync();
        h.Write("people.csv", "name,age\nann,31\n");
        (await h.RunAsync(Pipeline)).Succeeded.ShouldBeTrue();
        h.Write("people.csv", "name,age\nann,32\n");
        var second = await h.RunAsync(Pipeline);
        second.Succeeded.ShouldBeTrue(second.Run.Error);
        (await h.Store.Datasets.ListVersionsAsync("people", CancellationToken.None)).Select(v => v.Version).ShouldBe([1, 2]);

        var pinned = await h.RunAsync("""
            version: 1
            name: p
            steps:
              - id: data
                type: dataset
                params: {name: people, version: 1}
            """);
        pinned.Succeeded.ShouldBeTrue(pinned.Run.Error);
        var table = await SnapshotFile.ReadAsync(await h.OutputPathAsync(pinned, "data", "snapshot"), CancellationToken.None);
        table["age"].GetInt64(0).ShouldBe(31);
    }

    [Fact]
    public async Task Ingesting_the_same_data_again_is_cached_and_keeps_one_version()
    {
        await using var h = await PipelineHarness.CreateAsync();
        h.Write("people.csv", "name,age\nann,31\n");
        var first = await h.RunAsync(Pipeline);
        var second = await h.RunAsync(Pipeline);
        second.Steps.Single().Cached.ShouldBeTrue();
        second.Steps.Single().Outputs.Single(o => o.Name == "snapshot").Hash.ShouldBe(first.Steps.Single().Outputs.Single(o => o.Name == "snapshot").Hash);
        (await h.Store.Datasets.ListVersionsAsync("people", CancellationToken.None)).Count.ShouldBe(1);
    }

    [Fact]
    public async Task A_bad_row_under_skip_lands_in_the_rejects_output()
    {
        await using var h = await PipelineHarness.CreateAsync();
        h.Write("people.csv", "name,age\nann,31\nbob,old\ncid,40\n");
        var run = await h.RunAsync(Pipeline);
        run.Succeeded.ShouldBeTrue(run.Run.Error);
        var rejects = await File.ReadAllLinesAsync(await h.OutputPathAsync(run, "ingest", "rejects"));
        rejects.Single().ShouldContain("\"line\":3");
        run.Steps.Single().Metrics["rejected_rows"].ShouldBe(1);
    }

    [Fact]
    public async Task A_bad_file_fails_the_step_with_the_line_and_no_dataset_is_registered()
    {
        await using var h = await PipelineHarness.CreateAsync();
        h.Write("people.csv", "name,age\nann,31\nbob,old\n");
        var run = await h.RunAsync(Pipeline.Replace("on_bad_rows: skip", "on_bad_rows: error", StringComparison.Ordinal));
        run.Succeeded.ShouldBeFalse();
        run.Run.Error.ShouldNotBeNull();
        run.Run.Error.ShouldContain("line 3, column 'age'");
        (await h.Store.Datasets.ListLatestAsync(CancellationToken.None)).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_pinned_version_that_does_not_exist_is_a_clear_error()
    {
        await using var h = await PipelineHarness.CreateAsync();
        var run = await h.RunAsync("""
            version: 1
            name: p
            steps:
              - id: data
                type: dataset
                params: {name: nothing, version: 3}
            """);
        run.Succeeded.ShouldBeFalse();
        run.Run.Error!.ShouldContain("no dataset named 'nothing'");
    }

    [Fact]
    public async Task The_validate_step_fails_with_a_ranked_list_and_passes_when_expectations_hold()
    {
        await using var h = await PipelineHarness.CreateAsync();
        h.Write("people.csv", "name,age\nann,31\nbob,?\ncid,140\n");
        h.Write("schema.yaml", """
            format: schema/1
            label: outcome
            columns:
              age: {type: int64, nullable: false, max: 120}
              name: {type: string, allowed: [ann, bob, cid]}
            """);
        var run = await h.RunAsync(Pipeline + """

              - id: check
                type: validate
                inputs: {snapshot: ingest.snapshot, schema: schema.yaml}
            """);
        run.Succeeded.ShouldBeFalse();
        var error = run.Run.Error!;
        error.ShouldContain("outcome: expected present (the label column)");
        error.IndexOf("outcome", StringComparison.Ordinal).ShouldBeLessThan(error.IndexOf("age: expected", StringComparison.Ordinal));
        error.ShouldContain("age: expected ≤ 120; observed 140 (rows 2)");
        error.ShouldContain("age: expected not missing");

        h.Write("schema.yaml", "format: schema/1\ncolumns:\n  age: {type: int64, max: 200}\n");
        var ok = await h.RunAsync(Pipeline + """

              - id: check
                type: validate
                inputs: {snapshot: ingest.snapshot, schema: schema.yaml}
            """);
        ok.Succeeded.ShouldBeTrue(ok.Run.Error);
        (await File.ReadAllTextAsync(await h.OutputPathAsync(ok, "check", "report"))).ShouldContain("\"passed\": true");
    }

    [Fact]
    public async Task A_malformed_schema_is_reported_at_its_line_and_column_in_the_users_file()
    {
        await using var h = await PipelineHarness.CreateAsync();
        h.Write("people.csv", "name,age\nann,31\n");
        h.Write("schema.yaml", "format: schema/1\ncolumns:\n  age: {type: int64, max: [oops]}\n");

        var run = await h.RunAsync(Pipeline + """

              - id: check
                type: validate
                inputs: {snapshot: ingest.snapshot, schema: schema.yaml}
            """);

        run.Succeeded.ShouldBeFalse();
        run.Run.Error!.ShouldContain("schema.yaml:3:");
        run.Run.Error!.ShouldNotContain("objects");
    }
}
