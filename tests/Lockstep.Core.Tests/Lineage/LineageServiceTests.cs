using Lockstep.Lineage;
using Lockstep.Tests.Support;

namespace Lockstep.Tests.Lineage;

public sealed class LineageServiceTests
{
    [Fact]
    public async Task Lineage_goes_back_to_the_files_and_forward_to_everything_built_from_them()
    {
        await using var h = await Harness.CreateAsync();
        h.File("raw.csv", "1,2,3");
        var r = await h.RunAsync("name: p\nsteps:\n  - id: clean\n    type: concat\n    inputs: {raw: raw.csv}\n    params: {suffix: c}\n  - id: model\n    type: concat\n    inputs: {train: clean.out}\n    params: {suffix: m}\n");
        var model = r.Steps.Single(s => s.StepId == "model");
        var raw = r.Steps.Single(s => s.StepId == "clean").Inputs[0].Hash;
        var service = new LineageService(h.Store.Metadata);

        var up = await service.UpstreamAsync(model.Outputs[0].Hash, default);
        up.ProducedBy!.StepId.ShouldBe("model");
        var clean = up.ProducedBy.Artifacts.ShouldHaveSingleItem();
        clean.ProducedBy!.StepId.ShouldBe("clean");
        clean.ProducedBy.Artifacts.ShouldHaveSingleItem().Hash.ShouldBe(raw);
        clean.ProducedBy.Artifacts[0].ProducedBy.ShouldBeNull();

        var down = await service.DownstreamAsync(raw, default);
        var first = down.ConsumedBy.ShouldHaveSingleItem();
        first.StepId.ShouldBe("clean");
        first.Artifacts.ShouldHaveSingleItem().ConsumedBy.ShouldHaveSingleItem().StepId.ShouldBe("model");

        (await service.ResolveAsync(model.Outputs[0].Hash.Hex[..10], default)).ShouldBe(model.Outputs[0].Hash);
    }
}
