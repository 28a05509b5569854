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
}
