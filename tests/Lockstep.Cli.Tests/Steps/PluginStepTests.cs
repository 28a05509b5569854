using Lockstep.Cli.Tests.Infrastructure;
using Shouldly;
using Xunit;

namespace Lockstep.Cli.Tests.Steps;

/// <summary>User step types from a class library the workspace names under <c>plugins:</c>.</summary>
public sealed class PluginStepTests
{
    [Fact]
    public async Task The_example_plugin_workspace_runs_its_word_count_step_and_caches_it()
    {
        using var ws = TempWorkspace.WithExamplePlugin();

        var first = await ws.RunAsync("run", "--json");
        var second = await ws.RunAsync("run", "--json");
        var changed = await ws.RunAsync("run", "--json", "--set", "count.top=3");
        var reproduced = await ws.RunAsync("reproduce", "last", "--json");

        first.ExitCode.ShouldBe(0, first.ToString());
        ((string)first.Steps["count"]["type"]!).ShouldBe("word-count");
        ((string)first.Steps["count"]["code_identity"]!).ShouldStartWith("Lockstep.Examples.PluginStep.WordCountStep@");
        ((double)first.Steps["count"]["metrics"]!["words"]!).ShouldBe(17);
        var summary = File.ReadAllText(ws.ObjectPath((string)first.Steps["report"]["outputs"]!["summary"]!));
        summary.ShouldBe("most frequent words of at least 4 letters:\nover\t3\nquick\t3\nbrown\t2\nlazy\t2\ndreams\t1\n");
        second.Steps.Values.ShouldAllBe(s => (bool)s["cached"]!);
        ((string)changed.Steps["count"]["reason"]!).ShouldBe("parameter top changed 10 → 3");
        reproduced.ExitCode.ShouldBe(0, reproduced.ToString());
        ((bool)reproduced.Json["identical"]!).ShouldBeTrue("reproduce loads the run's plugins too");
    }

    [Fact]
    public async Task Changing_a_plugin_s_code_invalidates_its_cache_without_a_version_bump_and_changing_it_back_reuses_it()
    {
        using var ws = new TempWorkspace("""
            version: 1
            name: plugin
            seed: 4
            plugins: [lib/Shout.dll]
            steps:
              - id: shout
                type: shout
                inputs: { text: words.txt }
              - id: after
                type: command
                inputs: { x: shout.loud }
                outputs: [out]
                params:
                  run: wc -c < ${inputs.x} > ${outputs.out}
            """);
        ws.WriteFile("words.txt", "hello plugin\n");
        Directory.CreateDirectory(Path.Combine(ws.Root, "lib"));
        var dll = Path.Combine(ws.Root, "lib", "Shout.dll");
        var variantA = Path.Combine(ws.Root, "A.dll");
        var variantB = Path.Combine(ws.Root, "B.dll");
        // Same type name, same assembly name, same version, same signature: only the code differs.
        PluginCompiler.Compile(ShoutSource(suffix: ""), "Shout", variantA);
        PluginCompiler.Compile(ShoutSource(suffix: "!"), "Shout", variantB);

        File.Copy(variantA, dll, overwrite: true);
        var a = await ws.RunAsync("run", "--json");
        File.Copy(variantB, dll, overwrite: true);
        var b = await ws.RunAsync("run", "--json");
        File.Copy(variantA, dll, overwrite: true);
        var backToA = await ws.RunAsync("run", "--json");

        a.ExitCode.ShouldBe(0, a.ToString());
        b.ExitCode.ShouldBe(0, b.ToString());
        backToA.ExitCode.ShouldBe(0, backToA.ToString());
        File.ReadAllText(ws.ObjectPath((string)a.Steps["shout"]["outputs"]!["loud"]!)).ShouldBe("HELLO PLUGIN\n");
        File.ReadAllText(ws.ObjectPath((string)b.Steps["shout"]["outputs"]!["loud"]!)).ShouldBe("HELLO PLUGIN\n!");

        ((bool)b.Steps["shout"]["cached"]!).ShouldBeFalse();
        ((string)b.Steps["shout"]["reason"]!).ShouldStartWith("code of step type changed (");
        ((string)b.Steps["shout"]["code_identity"]!).ShouldNotBe((string)a.Steps["shout"]["code_identity"]!);
        ((bool)b.Steps["after"]["cached"]!).ShouldBeFalse("its input changed");

        ((bool)backToA.Steps["shout"]["cached"]!).ShouldBeTrue();
        ((string)backToA.Steps["shout"]["reason"]!).ShouldContain((string)a.Json["run_id"]!);
        ((bool)backToA.Steps["after"]["cached"]!).ShouldBeTrue();
    }

    private static string ShoutSource(string suffix) => $$"""
        using System.IO;
        using System.Threading;
        using System.Threading.Tasks;
        using Lockstep.Steps;

        namespace TestPlugins;

        public sealed class ShoutStep : IStepType
        {
            public StepSignature Signature { get; } = new()
            {
                Type = "shout",
                Description = "Upper-cases a text file.",
                Inputs = [new InputSpec("text", true, "any text")],
                Outputs = [new OutputSpec("loud", "the text in capitals")],
            };

            public async Task ExecuteAsync(StepContext context, CancellationToken cancellationToken)
            {
                var text = await File.ReadAllTextAsync(context.Input("text").Path, cancellationToken);
                await File.WriteAllTextAsync(context.OutputPath("loud"), text.ToUpperInvariant() + "{{suffix}}", cancellationToken);
            }
        }
        """;
}
