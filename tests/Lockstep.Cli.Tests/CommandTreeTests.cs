using System.CommandLine;

namespace Lockstep.Cli.Tests;

/// <summary>The command tree LockstepCli builds: only the named command when the line names one.</summary>
public sealed class CommandTreeTests
{
    private static readonly string[] Names =
        ["init", "run", "runs", "lineage", "artifacts", "diff", "reproduce", "verify", "gc", "steps", "data", "bundle", "models", "serve", "predict", "predictions", "resident"];

    [Fact]
    public void Without_a_command_word_every_command_is_built_in_help_order() =>
        LockstepCli.Commands(null).Select(c => c.Name).ShouldBe(Names);

    [Fact]
    public void A_mistyped_command_gets_every_command_so_that_suggestions_still_work() =>
        LockstepCli.Commands("rnu").Select(c => c.Name).ShouldBe(Names);

    [Theory]
    [InlineData("run")]
    [InlineData("runs")]
    [InlineData("predictions")]
    [InlineData("data")]
    public void A_named_command_is_built_alone_and_is_the_command_of_that_name(string name) =>
        LockstepCli.Commands(name).Select(c => c.Name).ShouldBe([name]);

    [Fact]
    public void A_command_line_parses_the_same_with_the_named_command_alone_as_with_every_command()
    {
        string[][] lines =
        [
            ["-w", "ws", "run", "--force", "clean", "--set", "seed=3"],
            ["run", "--bogus"],
            ["run", "runs"],
            ["--json", "runs"],
        ];
        foreach (var args in lines)
        {
            var alone = Tree(LockstepCli.Commands(Program.CommandName(args))).Parse(args);
            var all = Tree(LockstepCli.Commands(null)).Parse(args);
            alone.CommandResult.Command.Name.ShouldBe(all.CommandResult.Command.Name);
            alone.Errors.Select(e => e.Message).ShouldBe(all.Errors.Select(e => e.Message));
            alone.UnmatchedTokens.ShouldBe(all.UnmatchedTokens);
        }
    }

    private static RootCommand Tree(IEnumerable<Command> commands)
    {
        var root = new RootCommand("test");
        root.Options.Add(GlobalOptions.Workspace);
        root.Options.Add(GlobalOptions.Json);
        foreach (var c in commands)
        {
            root.Subcommands.Add(c);
        }
        return root;
    }
}
