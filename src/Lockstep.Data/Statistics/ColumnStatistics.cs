namespace Lockstep.Data.Statistics;

/// <summary>Statistics of one column. Numeric fields are null where they do not apply (e.g. mean of text).</summary>
public sealed record ColumnStatistics
{
    public required string Name { get; init; }

    /// <summary>int64, double, string or boolean.</summary>
    public required string Type { get; init; }

    /// <summary>Rows, missing or not.</summary>
    public long Count { get; init; }

    public long Missing { get; init; }

    public double MissingRate { get; init; }

    public long Distinct { get; init; }

    /// <summary>True when <see cref="Distinct"/> is a lower bound (too many values to count exactly in bounded memory).</summary>
    public bool DistinctAtLeast { get; init; }

    public double? Min { get; init; }

    public double? Max { get; init; }

    public double? Mean { get; init; }

    public double? StdDev { get; init; }

    /// <summary>NaN or infinite values, left out of the numeric statistics.</summary>
    public long NonFinite { get; init; }

    /// <summary>Quantiles by probability ("0.5" → median), linearly interpolated as pandas does.</summary>
    public IReadOnlyDictionary<string, double>? Quantiles { get; init; }

    /// <summary>False when quantiles come from a fine histogram (columns with very many distinct values).</summary>
    public bool? QuantilesExact { get; init; }

    public IReadOnlyList<HistogramBin>? Histogram { get; init; }

    /// <summary>Most frequent values (up to 50) with counts (text and boolean columns), most frequent first.</summary>
    public IReadOnlyList<ValueCount>? Top { get; init; }

    /// <summary>False when the counts of a very high-cardinality column stopped tracking new values.</summary>
    public bool? TopExact { get; init; }

    /// <summary>Lengths in characters (UTF-16 code units) of text values.</summary>
    public TextLengths? Lengths { get; init; }
}
