namespace Lockstep.Data.Ingest;

/// <summary>How a delimited text file is laid out.</summary>
public sealed record DelimitedOptions
{
    /// <summary>The field separator; may be several characters (adult.data uses ", ").</summary>
    public string Delimiter { get; init; } = ",";

    /// <summary>The quote character; <c>'\0'</c> turns quoting off.</summary>
    public char Quote { get; init; } = '"';

    /// <summary>Lines starting with this text are skipped; null for none.</summary>
    public string? CommentPrefix { get; init; }

    /// <summary>The first record holds the column names.</summary>
    public bool HasHeader { get; init; } = true;

    /// <summary>Longest record accepted, so that an unbalanced quote cannot swallow the whole file into memory.</summary>
    public int MaxRecordBytes { get; init; } = 64 << 20;
}
