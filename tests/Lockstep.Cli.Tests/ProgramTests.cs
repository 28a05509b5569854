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

    [Theory]
    [InlineData("run", true)]
    [InlineData("-w ws run --force clean", true)]
    [InlineData("--json run --set seed=3", true)]
    [InlineData("run --dry-run", false)]
    [InlineData("run --help", false)]
    [InlineData("run -h", false)]
    [InlineData("status", false)]
    [InlineData("--version", false)]
    [InlineData("", false)]
    public void Only_a_run_that_will_open_the_store_loads_sqlite_ahead_of_time(string line, bool warms) =>
        Program.WarmsStore(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ShouldBe(warms);
}
