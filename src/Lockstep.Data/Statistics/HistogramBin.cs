namespace Lockstep.Data.Statistics;

/// <summary>One histogram bar: values in [Low, High) (the last bin includes High).</summary>
public sealed record HistogramBin(double Low, double High, long Count);
