namespace Lockstep.Data.Ingest;

/// <summary>
/// Records from a source as UTF-8 fields, one record at a time. A field's bytes stay valid until
/// the next <see cref="ReadAsync"/>. Every source (delimited text, SQLite, Parquet) goes through
/// the same typing code, so a type is inferred the same way whatever the source.
/// </summary>
internal interface IRecordSource : IAsyncDisposable
{
    /// <summary>What to call the source in messages (a file name).</summary>
    string Description { get; }

    /// <summary>Column names from the source (a header row, a query's columns), or null when it has none.</summary>
    IReadOnlyList<string>? Header { get; }

    int FieldCount { get; }

    /// <summary>The 1-based line (or row) where the current record starts.</summary>
    long Line { get; }

    /// <summary>Byte offset of the current record in the (decompressed) source, or -1.</summary>
    long Offset { get; }

    ReadOnlySpan<byte> Field(int index);

    /// <summary>True when the source itself says the value is missing (SQL NULL, Parquet null).</summary>
    bool IsNull(int index);

    /// <summary>The record as written in the source, for the rejects artifact.</summary>
    ReadOnlySpan<byte> Raw { get; }

    /// <summary>Moves to the next record; false at the end.</summary>
    ValueTask<bool> ReadAsync(CancellationToken cancellationToken);
}
