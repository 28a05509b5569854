namespace Lockstep.Serving.Batch;

/// <summary>How <see cref="BatchScorer"/> reads its input file.</summary>
public sealed record BatchOptions
{
    /// <summary>Column names for a file without a header row; null means the first line is the header.</summary>
    public IReadOnlyList<string>? Columns { get; init; }

    /// <summary>Cell values that mean "missing" (in addition to an empty cell).</summary>
    public IReadOnlyList<string> NaValues { get; init; } = ["?"];

    /// <summary>Columns present in the file but not model inputs (e.g. the label); they are not sent to the model.</summary>
    public IReadOnlyList<string> Drop { get; init; } = [];

    /// <summary>Lines starting with this are skipped (adult.test starts with one).</summary>
    public string? CommentPrefix { get; init; } = "#";

    /// <summary>Score rows that fail validation anyway and mark them (true), or leave them unscored with their findings (false).</summary>
    public bool FlagInvalid { get; init; }
}
