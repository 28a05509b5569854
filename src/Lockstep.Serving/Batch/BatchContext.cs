namespace Lockstep.Serving.Batch;

/// <summary>What every worker of one batch run shares (read-only once the header is known).</summary>
internal sealed class BatchContext(BatchOptions options, DateTimeOffset at, string runId, string inputPath)
{
    public BatchOptions Options { get; } = options;

    public DateTimeOffset At { get; } = at;

    public string RunId { get; } = runId;

    public string InputPath { get; } = inputPath;

    /// <summary>False: every row takes the dictionary path (the parity tests compare both).</summary>
    public bool TypedPath { get; init; } = true;

    /// <summary>True: the log's blocks are written compressed (format 2, each worker compressing its slice); false: format 1.</summary>
    public bool CompressLog { get; init; } = true;

    /// <summary>True: the run's input file is stored in the object store and the log's blocks refer to its lines by position (format 3).</summary>
    public bool ByReference { get; init; }

    /// <summary>True when the workers compress their slices' log entries (format 2; format 3's are not, bench/serve.md session 8).</summary>
    public bool CompressParts => CompressLog && !ByReference;

    public string[]? Header { get; private set; }

    /// <summary>Per header column: true when it is in <see cref="BatchOptions.Drop"/>.</summary>
    public bool[] Dropped { get; private set; } = [];

    public HashSet<string> Na { get; } = new(options.NaValues, StringComparer.Ordinal) { "" };

    /// <summary><see cref="Na"/> looked up by a cell's text without making a string of it.</summary>
    public Lockstep.ML.Features.OrdinalSpanIndex NaSpans { get; } = new([.. options.NaValues, ""]);

    /// <summary>The typed path's clean check and row encoder for this run's header, built by the first worker that needs them (under a lock on this context).</summary>
    public (Scoring.CleanCellsCheck Clean, Lockstep.ML.Features.RowEncoder Encoder)? TypedShared { get; set; }

    public void SetHeader(string[] header)
    {
        var drop = new HashSet<string>(Options.Drop, StringComparer.Ordinal);
        Header = header;
        Dropped = header.Select(drop.Contains).ToArray();
    }
}
