namespace Lockstep.ML.Frames;

/// <summary>How to read a delimited text file into a <see cref="Frame"/>.</summary>
public sealed record CsvOptions
{
    public char Separator { get; init; } = ',';

    /// <summary>The first non-comment line names the columns.</summary>
    public bool HasHeader { get; init; } = true;

    /// <summary>Column names for a file without a header (or to rename a header's).</summary>
    public IReadOnlyList<string>? ColumnNames { get; init; }

    /// <summary>Cell values (after trimming) that mean "missing"; the empty cell always does.</summary>
    public IReadOnlyList<string> MissingValues { get; init; } = [];

    /// <summary>Lines starting with this are skipped (adult.test starts with "# 1x3 Cross validator").</summary>
    public string? CommentPrefix { get; init; } = "#";

    /// <summary>Trim spaces around cells (adult's ", " separator).</summary>
    public bool Trim { get; init; } = true;

    /// <summary>Columns to keep as text even when every value is a number.</summary>
    public IReadOnlyList<string> TextColumns { get; init; } = [];
}
