using Lockstep.ML.Features;

namespace Lockstep.ML.Tests.Features;

public sealed class OrdinalSpanIndexTests
{
    [Fact]
    public void Every_key_is_found_at_its_position_and_anything_else_is_not_found()
    {
        var keys = Enumerable.Range(0, 500).Select(i => "category-" + i).Append("").Append("?").ToArray();
        var index = new OrdinalSpanIndex(keys);

        for (var i = 0; i < keys.Length; i++)
        {
            index.IndexOf(("x" + keys[i]).AsSpan(1)).ShouldBe(i);
        }
        index.IndexOf("category-500").ShouldBe(-1);
        index.IndexOf("Category-1").ShouldBe(-1);
        index.Contains("category-").ShouldBeFalse();
        new OrdinalSpanIndex([]).Contains("").ShouldBeFalse();
    }

    [Fact]
    public void The_last_of_equal_keys_wins_as_in_a_dictionary_filled_in_order()
    {
        new OrdinalSpanIndex(["a", "b", "a"]).IndexOf("a").ShouldBe(2);
    }
}
