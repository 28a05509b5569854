namespace Lockstep.Data.Schemas;

/// <summary>
/// One broken expectation: the column (or "(table)"), the expectation as written, what was
/// observed, how many rows break it and the first few of them (0-based row numbers).
/// </summary>
public sealed record Finding(string Column, string Expectation, string Observed, long Count, IReadOnlyList<long> Rows)
{
    /// <summary>Orders findings worst first: structural problems, then by offending rows.</summary>
    internal int Rank { get; init; }

    public override string ToString() =>
        $"{Column}: expected {Expectation}; observed {Observed}" + (Rows.Count > 0 ? $" (rows {string.Join(", ", Rows)}{(Count > Rows.Count ? ", …" : "")})" : "");
}
