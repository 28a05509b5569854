using Lockstep.Cli.Tests.Infrastructure;
using Shouldly;
using Xunit;

namespace Lockstep.Cli.Tests.Commands;

/// <summary><c>lockstep bundle inspect</c> on a stacking ensemble built by a real tune → train run.</summary>
public sealed class BundleInspectEnsembleTests
{
    private static readonly string Pipeline = $$"""
        version: 1
        name: titanic-ensemble
        seed: 5
        steps:
          - id: ingest
            type: ingest
            inputs: { source: {{Path.Combine(RepositoryPaths.Root, "data", "titanic", "train.csv")}} }
          - id: tune
            type: tune
            inputs: { train: ingest.snapshot }
            params:
              label: Survived
              positive_class: "1"
              exclude: [PassengerId, Name, Ticket, Cabin]
              trainer: fasttree
              hyperparameters: { iterations: 20 }
              space: { leaves: [4, 8], learning_rate: [0.1, 0.2] }
              folds: 3
              ensemble: { method: stacking, top_k: 3 }
          - id: train
            type: train
            inputs: { train: ingest.snapshot, tuned: tune.result }
            params: { label: Survived, positive_class: "1", exclude: [PassengerId, Name, Ticket, Cabin], trainer: fasttree }
        """;

    [Fact]
    public async Task Inspect_shows_the_members_and_the_fitted_combiner_of_an_ensemble_bundle()
    {
        using var ws = new TempWorkspace(Pipeline);
        var run = await ws.RunAsync("run");
        run.ExitCode.ShouldBe(0, run.ToString());
        var show = (await ws.RunAsync("runs", "show", "last", "--json")).Json;
        var bundle = (string)show["steps"]!.AsArray().Single(s => (string)s!["id"]! == "train")!["outputs"]!["bundle"]!;
        var path = ws.ObjectPath(bundle!);

        var json = (await ws.RunAsync("bundle", "inspect", path, "--json")).Json;
        var text = await ws.RunAsync("bundle", "inspect", path);

        json["format_version"]!.GetValue<int>().ShouldBe(3);
        json["ensemble"]!["method"]!.GetValue<string>().ShouldBe("stacking");
        json["ensemble"]!["members"]!.AsArray().Count.ShouldBe(3);
        json["ensemble"]!["combiner"]!["weights"]![0]!.AsArray().Count.ShouldBe(3);
        json["entries"]!.AsArray().Select(e => (string)e!["name"]!).ShouldContain("member-3.zip");
        text.ExitCode.ShouldBe(0, text.ToString());
        text.StdOut.ShouldContain("ensemble: stacking of 3 members");
        text.StdOut.ShouldContain("combiner: logistic of each member's logit(probability)");
        text.StdOut.ShouldContain("member-2.zip");
    }
}
