using Lockstep.Cli.Tests.Infrastructure;
using Shouldly;
using Xunit;

namespace Lockstep.Cli.Tests.Commands;

/// <summary><c>lockstep bundle inspect</c> on a bundle trained, gated and registered by a real run.</summary>
public sealed class BundleCommandTests
{
    private static readonly string Pipeline = $$"""
        version: 1
        name: titanic-mini
        seed: 11
        steps:
          - id: ingest
            type: ingest
            inputs: { source: {{Path.Combine(RepositoryPaths.Root, "data", "titanic", "train.csv")}} }
          - id: train
            type: train
            inputs: { train: ingest.snapshot }
            params: { label: Survived, positive_class: "1", exclude: [PassengerId, Name, Ticket, Cabin], trainer: fasttree, hyperparameters: { iterations: 20 } }
          - id: evaluate
            type: evaluate
            inputs: { bundle: train.bundle, test: ingest.snapshot }
          - id: gate
            type: gate
            inputs: { metrics: evaluate.metrics }
            params: { checks: { auc: ">= 0.7" } }
          - id: register
            type: register
            inputs: { bundle: evaluate.bundle, metrics: evaluate.metrics, gate: gate.verdict }
            params: { name: titanic, alias: production }
        """;

    [Fact]
    public async Task Inspect_shows_every_entry_of_a_registered_bundle_and_that_its_hashes_match()
    {
        using var ws = new TempWorkspace(Pipeline);
        var run = await ws.RunAsync("run");
        run.ExitCode.ShouldBe(0, run.ToString());

        var json = (await ws.RunAsync("bundle", "inspect", "titanic@production", "--json")).Json;
        var text = await ws.RunAsync("bundle", "inspect", "titanic@production");

        json["hashes_ok"]!.GetValue<bool>().ShouldBeTrue();
        json["entries"]!.AsArray().Select(e => (string)e!["name"]!).ShouldContain("model.zip");
        json["preprocessing"]!["label"]!["column"]!.GetValue<string>().ShouldBe("Survived");
        json["metrics"]!["auc"]!.GetValue<double>().ShouldBeGreaterThan(0.7);
        json["environment_differences"]!.AsArray().ShouldBeEmpty();
        text.ExitCode.ShouldBe(0, text.ToString());
        text.StdOut.ShouldContain("every entry's hash matches");
        text.StdOut.ShouldContain("preprocessing: binary on 'Survived'");
    }

    [Fact]
    public async Task Inspect_refuses_a_tampered_bundle_with_a_clear_message()
    {
        using var ws = new TempWorkspace(Pipeline);
        (await ws.RunAsync("run")).ExitCode.ShouldBe(0);
        var json = (await ws.RunAsync("bundle", "inspect", "titanic", "--json")).Json;
        var copy = Path.Combine(ws.Root, "copy.zip");
        File.Copy(ws.ObjectPath((string)json[Lockstep.Hashing.ContentHasher.Algorithm]!), copy);
        var bytes = await File.ReadAllBytesAsync(copy);
        bytes[bytes.Length / 2] ^= 0x20;
        await File.WriteAllBytesAsync(copy, bytes);

        var result = await ws.RunAsync("bundle", "inspect", "copy.zip");

        result.ExitCode.ShouldNotBe(0);
        result.StdErr.ShouldContain("refusing model bundle copy.zip");
        result.StdErr.ShouldNotContain("   at ");
    }
}
