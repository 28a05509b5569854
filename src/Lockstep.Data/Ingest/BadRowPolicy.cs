namespace Lockstep.Data.Ingest;

/// <summary>What ingest does with a row it cannot read (wrong field count, a value that does not fit its declared type, invalid UTF-8).</summary>
public enum BadRowPolicy
{
    /// <summary>Stop with an error naming the file, line and column.</summary>
    Error,
    /// <summary>Skip the row, count it and write it to the rejects artifact.</summary>
    Skip,
}
