using System.Text.Json.Serialization;

namespace Lockstep.Data.Statistics;

/// <summary>Source-generated JSON for the statistics artifact (snake_case, stable property order).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(DatasetStatistics))]
internal sealed partial class StatisticsJson : JsonSerializerContext;
