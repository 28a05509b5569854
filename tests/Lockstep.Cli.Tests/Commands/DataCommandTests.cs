using Lockstep.Cli.Tests.Infrastructure;
using Shouldly;
using Xunit;

namespace Lockstep.Cli.Tests.Commands;

/// <summary>'lockstep data list | show | diff | schema' on a real workspace with a named ingest step.</summary>
public sealed class DataCommandTests
{
    private const string Pipeline = """
        version: 1
        name: people
        seed: 1
        steps:
          - id: ingest
            type: ingest
            inputs: {source: people.csv}
            params: {name: people, missing: ["?"]}
        """;

    private static async Task<TempWorkspace> TwoVersions()
    {
        var ws = new TempWorkspace(Pipeline);
        ws.WriteFile("people.csv", "name,age,city\nann,31,Oslo\nbob,?,Rome\n");
        (await ws.RunAsync("run")).ExitCode.ShouldBe(0);
        ws.WriteFile("people.csv", "name,age,city\nann,31,Oslo\nbob,45,Rome\ncid,50,Rome\n");
        (await ws.RunAsync("run")).ExitCode.ShouldBe(0);
        return ws;
    }

    [Fact]
    public async Task Data_list_shows_the_latest_version_and_every_version_of_a_name()
    {
        using var ws = await TwoVersions();
        var latest = await ws.RunAsync("data", "list", "--json");
        latest.ExitCode.ShouldBe(0, latest.ToString());
        var entry = latest.Json.AsArray().Single()!;
        ((string)entry["name"]!).ShouldBe("people");
        ((int)entry["version"]!).ShouldBe(2);
        ((long)entry["rows"]!).ShouldBe(3);
        (await ws.RunAsync("data", "list", "people", "--json")).Json.AsArray().Count.ShouldBe(2);
        var table = await ws.RunAsync("data", "list");
        table.StdOut.ShouldContain("people@2");
    }

    [Fact]
    public async Task Data_show_prints_statistics_writes_html_and_pins_a_version()
    {
        using var ws = await TwoVersions();
        var shown = await ws.RunAsync("data", "show", "people@1", "--json");
        shown.ExitCode.ShouldBe(0, shown.ToString());
        ((long)shown.Json["row_count"]!).ShouldBe(2);
        var age = shown.Json["columns"]!.AsArray().Single(c => (string)c!["name"]! == "age")!;
        ((long)age["missing"]!).ShouldBe(1);

        var html = Path.Combine(ws.Root, "people.html");
        var text = await ws.RunAsync("data", "show", "people", "--html", html);
        text.ExitCode.ShouldBe(0, text.ToString());
        text.StdOut.ShouldContain("people@2: 3 rows × 3 columns");
        File.ReadAllText(html).ShouldContain("<svg");
    }

    [Fact]
    public async Task Data_diff_reports_row_counts_and_shifts()
    {
        using var ws = await TwoVersions();
        var diff = await ws.RunAsync("data", "diff", "people@1", "people@2", "--json");
        diff.ExitCode.ShouldBe(0, diff.ToString());
        ((long)diff.Json["rows"]!["a"]!).ShouldBe(2);
        ((long)diff.Json["rows"]!["b"]!).ShouldBe(3);
        diff.Json["shifts"]!.AsArray().ShouldContain(s => (string)s!["column"]! == "age");
    }

    [Fact]
    public async Task Data_schema_writes_yaml_with_the_label()
    {
        using var ws = await TwoVersions();
        var schema = await ws.RunAsync("data", "schema", "people", "--label", "city");
        schema.ExitCode.ShouldBe(0, schema.ToString());
        schema.StdOut.ShouldContain("format: schema/1");
        schema.StdOut.ShouldContain("label: city");
        schema.StdOut.ShouldContain("allowed: [Oslo, Rome]");
    }

    [Fact]
    public async Task Unknown_names_and_versions_are_clear_errors_with_the_right_exit_codes()
    {
        using var ws = await TwoVersions();
        var missing = await ws.RunAsync("data", "show", "people@7");
        missing.ExitCode.ShouldBe(1);
        missing.StdErr.ShouldContain("dataset 'people' has no version 7; it has 1, 2");
        var bad = await ws.RunAsync("data", "show", "people@x");
        bad.ExitCode.ShouldBe(2);
        bad.StdErr.ShouldContain("must be a positive number");
        (await ws.RunAsync("data", "show", "nobody")).StdErr.ShouldContain("no dataset 'nobody'");
    }
}
