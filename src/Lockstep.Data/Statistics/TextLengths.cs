namespace Lockstep.Data.Statistics;

/// <summary>Shortest, mean and longest text length.</summary>
public sealed record TextLengths(long Min, double Mean, long Max);
