using Lockstep.Data.Tables;

namespace Lockstep.Data.Ingest;

/// <summary>How to turn a source into a snapshot.</summary>
public sealed record IngestOptions
{
    public DelimitedOptions Delimited { get; init; } = new();

    /// <summary>Column names to use instead of (or, with no header, in place of) the header row.</summary>
    public IReadOnlyList<string>? Columns { get; init; }

    /// <summary>Declared types; other columns are inferred.</summary>
    public IReadOnlyDictionary<string, ColumnType> Types { get; init; } = new Dictionary<string, ColumnType>();

    /// <summary>Field texts that mean "missing" (compared exactly, after trimming when <see cref="Trim"/> is on).</summary>
    public IReadOnlyList<string> Missing { get; init; } = [""];

    /// <summary>Columns to sort rows by (stable: ties keep source order); empty keeps the source order.</summary>
    public IReadOnlyList<string> Key { get; init; } = [];

    public BadRowPolicy OnBadRows { get; init; } = BadRowPolicy.Error;

    /// <summary>Rows per in-memory batch; memory is bounded by this, not by the file's row count.</summary>
    public int BatchRows { get; init; } = Snapshots.SnapshotWriter.RowGroupSize;

    /// <summary>Rows read to infer types before writing; a later value that does not fit widens the type and restarts.</summary>
    public int InferenceRows { get; init; } = 10_000;

    /// <summary>Trim spaces around unquoted fields.</summary>
    public bool Trim { get; init; }
}
