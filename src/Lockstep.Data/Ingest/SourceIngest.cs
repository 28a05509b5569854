namespace Lockstep.Data.Ingest;

/// <summary>Picks the reader for a source file by its first bytes: SQLite, Parquet, else delimited text (gzip or not).</summary>
public static class SourceIngest
{
    public static Task<IngestResult> IngestAsync(string path, string description, string? query, IngestOptions options,
        string snapshotPath, string? rejectsPath, string scratchDirectory, TextWriter? log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!File.Exists(path))
        {
            throw new DataException($"source file {description} does not exist");
        }
        Func<CancellationToken, ValueTask<IRecordSource>> source;
        if (SourceOpener.IsSqlite(path))
        {
            if (string.IsNullOrWhiteSpace(query))
            {
                throw new DataException($"{description} is a SQLite database; give the rows to read with 'query: SELECT … FROM … ORDER BY …'");
            }
            source = SqliteRecordSource.Open(path, description, query);
        }
        else if (query is not null)
        {
            throw new DataException($"'query' is set but {description} is not a SQLite database; remove 'query' or point 'source' at the .db file");
        }
        else if (SourceOpener.IsParquet(path))
        {
            source = ParquetRecordSource.Open(path, description);
        }
        else
        {
            source = SourceOpener.Delimited(path, description, options.Delimited);
        }
        return Ingestor.IngestAsync(source, options, snapshotPath, rejectsPath, scratchDirectory, log, cancellationToken);
    }
}
