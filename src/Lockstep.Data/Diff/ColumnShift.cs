namespace Lockstep.Data.Diff;

/// <summary>One column's change between two snapshots, with a score to rank the largest shifts.</summary>
public sealed record ColumnShift(string Column, string Measure, string Before, string After, double Score);
