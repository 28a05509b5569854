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

    public static TheoryData<JsonValue, string> TypedNumbers => new()
    {
        { JsonValue.Create(5L), "5" },
        { JsonValue.Create(-7), "-7" },
        { JsonValue.Create(2.0), "2" },
        { JsonValue.Create(2.5), "2.5" },
        { JsonValue.Create(3m), "3" },
        { JsonValue.Create(1.10m), "1.1" },
        { JsonValue.Create(0.1f), "0.10000000149011612" },
        { JsonValue.Create((short)12), "12" },
        { JsonValue.Create(8_999_999_999_999_999L), "8999999999999999" },
        { JsonValue.Create(10_000_000_000_000_000L), "10000000000000000" },
        { JsonValue.Create(10_000_000_000_000_000m), "10000000000000000" },
        { JsonValue.Create(10_000_000_000_000_000UL), "10000000000000000" },
        { JsonValue.Create(10_000_000_000_000_000.0), "10000000000000000" },
        { JsonValue.Create(1e300), "1E+300" },
        { JsonValue.Create(ulong.MaxValue), "1.8446744073709552E+19" },
        { (JsonValue)JsonNode.Parse("12345678901234567")!, "12345678901234567" },
        { (JsonValue)JsonNode.Parse("-0")!, "0" },
        { (JsonValue)JsonNode.Parse("4.0")!, "4" },
    };

    [Theory]
    [MemberData(nameof(TypedNumbers))]
    public void Numbers_of_every_type_serialise_as_their_value(JsonValue value, string canonical) =>
        CanonicalJson.Serialize(value).ShouldBe(canonical);

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
