using System.Text.Json.Nodes;
using FsCheck.Xunit;
using Lockstep.Hashing;

namespace Lockstep.Tests.Hashing;

public sealed class CanonicalJsonTests
{
    [Fact]
    public void Keys_are_sorted_and_white_space_removed() =>
        CanonicalJson.Canonicalize("""{ "b": 1, "a": [true, null, "x"] }""").ShouldBe("""{"a":[true,null,"x"],"b":1}""");

    [Theory]
    [InlineData("0.10", "0.1")]
    [InlineData("1.0", "1")]
    [InlineData("1e2", "100")]
    [InlineData("-0.5", "-0.5")]
    public void Numbers_that_mean_the_same_serialise_alike(string written, string canonical) =>
        CanonicalJson.Canonicalize(written).ShouldBe(canonical);

    [Fact]
    public void Control_characters_and_quotes_are_escaped() =>
        CanonicalJson.Serialize(JsonValue.Create("a\"b\\c\n\u0001")).ShouldBe("\"a\\\"b\\\\c\\n\\u0001\"");

    [Property(MaxTest = 200)]
    public bool Key_order_does_not_change_the_hash(string[] keys, int[] values)
    {
        var pairs = keys.Where(k => k is not null).Distinct().Zip(values).ToList();
        var forward = new JsonObject();
        var backward = new JsonObject();
        foreach (var (k, v) in pairs)
        {
            forward[k] = v;
        }
        foreach (var (k, v) in Enumerable.Reverse(pairs))
        {
            backward[k] = v;
        }
        return CanonicalJson.Hash(forward) == CanonicalJson.Hash(backward);
    }

    [Property(MaxTest = 200)]
    public bool Canonical_text_is_a_fixed_point(int a, string b, bool c)
    {
        var node = new JsonObject { ["a"] = a, ["b"] = b, ["c"] = c, ["d"] = new JsonArray(1.5, "x") };
        var once = CanonicalJson.Serialize(node);
        return CanonicalJson.Canonicalize(once) == once;
    }
}
