namespace Lockstep.Cli.Tests;

/// <summary>The command word Program reads before the command line is parsed (for settings that must precede the thread pool).</summary>
public sealed class ProgramTests
{
    [Theory]
    [InlineData("serve adult@production", "serve")]
    [InlineData("-w ws serve model.lsb --port 8080", "serve")]
    [InlineData("--workspace serve run", "run")]
    [InlineData("--json run --force serve", "run")]
    [InlineData("--version", null)]
    [InlineData("", null)]
    public void The_command_is_the_first_word_that_is_not_an_option_or_the_workspace_folder(string line, string? command) =>
        Program.CommandName(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ShouldBe(command);
}
