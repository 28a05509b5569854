using System.Text.Json;
using Lockstep.Hashing;
using Lockstep.Stores.Sqlite;

namespace Lockstep.Stores.Sqlite.Tests;

/// <summary>The hand-written JSON columns read and write exactly what the serializer did before.</summary>
public sealed class StoreJsonTests
{
    private static readonly Dictionary<string, double> Metrics = new(StringComparer.Ordinal)
    {
        ["auc"] = 0.9,
        ["rows"] = 32561,
        ["tiny"] = 1e-300,
        ["huge"] = -1.7976931348623157e308,
        ["<tag> & \"quote\" é ✓"] = 0.1 + 0.2,
    };

    [Fact]
    public void Metrics_are_written_as_the_serializer_wrote_them()
    {
        StoreJson.WriteMetrics(Metrics).ShouldBe(JsonSerializer.Serialize<IReadOnlyDictionary<string, double>>(Metrics));
        StoreJson.WriteMetrics(new Dictionary<string, double>()).ShouldBe(JsonSerializer.Serialize<IReadOnlyDictionary<string, double>>(new Dictionary<string, double>()));
    }

    [Fact]
    public void Metrics_read_back_to_the_same_values()
    {
        var read = StoreJson.ReadMetrics(StoreJson.WriteMetrics(Metrics));
        read.ShouldBe(Metrics, ignoreOrder: true);
        StoreJson.ReadMetrics(JsonSerializer.Serialize(Metrics)).ShouldBe(Metrics, ignoreOrder: true);
        StoreJson.ReadMetrics("null").ShouldBeEmpty();
    }

    [Fact]
    public void Outputs_written_by_the_serializer_read_back_as_bindings()
    {
        var hash = ContentHasher.HashString("x");
        var json = JsonSerializer.Serialize(new List<StoredOutput> { new("model", hash.Hex, 42), new("report", hash.Hex, 0) }, StoreJsonContext.Default.ListStoredOutput);
        var read = StoreJson.ReadOutputs(json);
        read.Select(o => (o.Name, o.Hash, o.Size, o.Source)).ShouldBe([("model", hash, 42L, (string?)null), ("report", hash, 0L, null)]);
        StoreJson.ReadOutputs("[]").ShouldBeEmpty();
        StoreJson.ReadOutputs("""[{"Extra":[1,{"a":2}],"Size":7,"Hash":"HASH","Name":"n"}]""".Replace("HASH", hash.Hex)).Single().Size.ShouldBe(7);
    }

    [Theory]
    [InlineData("{\"auc\": \"high\"}")]
    [InlineData("{\"auc\": 1")]
    [InlineData("[1]")]
    public void Damaged_metrics_are_a_json_error(string json) =>
        Should.Throw<JsonException>(() => StoreJson.ReadMetrics(json));

    [Theory]
    [InlineData("[{\"Name\": \"n\"}]")]
    [InlineData("[{\"Name\": \"n\", \"Hash\": \"x\", \"Size\": \"big\"}]")]
    [InlineData("{}")]
    public void Damaged_outputs_are_an_error(string json) =>
        Should.Throw<Exception>(() => StoreJson.ReadOutputs(json));
}
