using Lockstep.Cli.Tests.Infrastructure;
using Shouldly;
using Xunit;

namespace Lockstep.Cli.Tests.Commands;

public sealed class CommandLineErrorTests
{
    [Theory]
    [InlineData("run --bogus", "'--bogus'")]
    [InlineData("runs list --limit abc", "Cannot parse argument 'abc' for option '--limit'")]
    [InlineData("reproduce", "Required argument missing for command: 'reproduce'")]
    [InlineData("gc --older-than x", "Unrecognized command or argument '--older-than'")]
    public async Task A_command_line_that_does_not_parse_exits_2_with_the_parser_s_message_and_no_stack_trace(string line, string message)
    {
        using var ws = new TempWorkspace("version: 1\nname: p\nsteps: []\n");

        var result = await ws.RunAsync(line.Split(' '));

        result.ExitCode.ShouldBe(2, result.StdErr);
        result.StdErr.ShouldContain(message);
        result.StdErr.ShouldNotContain("   at ");
    }

    [Theory]
    [InlineData("runs list --limit -3", "error: --limit must be at least 1, not -3")]
    [InlineData("predictions list -n 0", "error: --limit must be at least 1, not 0")]
    [InlineData("run --jobs 0", "error: --jobs must be at least 1, not 0")]
    [InlineData("gc --wait -1", "error: --wait must be at least 0, not -1")]
    [InlineData("data diff a b --top 0", "error: --top must be at least 1, not 0")]
    [InlineData("serve m@production --port 70000", "error: --port must be between 0 and 65535, not 70000")]
    [InlineData("serve m@production --max-batch 0", "error: --max-batch must be at least 1, not 0")]
    [InlineData("serve m@production --poll-seconds 0", "error: --poll-seconds must be more than 0, not 0")]
    [InlineData("serve m@production --on-invalid maybe", "error: --on-invalid 'maybe' is not 'reject' or 'flag'")]
    [InlineData("predictions list --since yesterday", "error: --since 'yesterday' is not a time")]
    [InlineData("models alias m 1 9lives", "error: '9lives' cannot be an alias")]
    public async Task A_value_out_of_its_range_exits_2_before_any_work_and_says_what_is_allowed(string line, string message)
    {
        // No store yet: each of these would fail on the missing store (exit 3) if it got that far.
        using var ws = new TempWorkspace("version: 1\nname: p\nsteps: []\n");

        var result = await ws.RunAsync(line.Split(' '));

        result.ExitCode.ShouldBe(2, result.ToString());
        result.StdErr.ShouldStartWith(message);
        Directory.Exists(ws.Store).ShouldBeFalse();
    }

    [Fact]
    public async Task A_workspace_folder_that_is_not_there_exits_2_and_says_how_to_make_it()
    {
        // (No workspace at or above the current folder: Planning/BadInputTests.)
        using var ws = new TempWorkspace();
        var missing = Path.Combine(ws.Root, "nowhere");

        var named = await ws.RunAsync("-w", missing, "runs", "list");

        named.ExitCode.ShouldBe(2, named.ToString());
        named.StdErr.ShouldBe($"error: workspace folder {missing} does not exist; create it with 'lockstep init {missing}'\n");
        Directory.Exists(missing).ShouldBeFalse();
    }
}
