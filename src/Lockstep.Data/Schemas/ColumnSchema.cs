using Lockstep.Data.Tables;

namespace Lockstep.Data.Schemas;

/// <summary>What a column must look like. Null fields are not checked.</summary>
public sealed record ColumnSchema
{
    public required string Name { get; init; }

    /// <summary>The column's type; null accepts any.</summary>
    public ColumnType? Type { get; init; }

    /// <summary>False: no value may be missing.</summary>
    public bool Nullable { get; init; } = true;

    /// <summary>Highest allowed fraction of missing values (0–1).</summary>
    public double? MaxMissingRate { get; init; }

    public double? Min { get; init; }

    public double? Max { get; init; }

    /// <summary>The only values allowed (text and boolean columns; compared as text).</summary>
    public IReadOnlyList<string>? Allowed { get; init; }

    /// <summary>No value may appear twice (missing values are not compared).</summary>
    public bool Unique { get; init; }
}
