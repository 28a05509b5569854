using Lockstep.Steps;

namespace Lockstep.Tests.Steps;

public sealed class StepTypeRegistryTests
{
    [Fact]
    public void A_type_registered_by_name_is_created_only_when_first_used()
    {
        var created = 0;
        var registry = new StepTypeRegistry().Add("command", () =>
        {
            created++;
            return new CommandStep();
        });
        registry.Names.ShouldBe(["command"]);
        created.ShouldBe(0);
        registry.TryGet("command", out var first).ShouldBeTrue();
        registry.TryGet("command", out var second).ShouldBeTrue();
        created.ShouldBe(1);
        second.ShouldBeSameAs(first);
        registry.TryGet("other", out _).ShouldBeFalse();
    }

    [Fact]
    public void A_type_registered_under_a_name_its_signature_does_not_carry_is_refused_when_created()
    {
        var registry = new StepTypeRegistry().Add("shell", () => new CommandStep());
        Should.Throw<InvalidOperationException>(() => registry.TryGet("shell", out _)).Message.ShouldContain("'command'");
    }

    [Fact]
    public void A_name_registered_twice_is_refused()
    {
        var registry = new StepTypeRegistry().Add(new CommandStep());
        Should.Throw<ArgumentException>(() => registry.Add("command", () => new CommandStep()));
    }
}
