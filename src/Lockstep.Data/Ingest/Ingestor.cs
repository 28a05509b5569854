using Lockstep.Data.Snapshots;
using Lockstep.Data.Statistics;
using Lockstep.Data.Tables;

namespace Lockstep.Data.Ingest;

/// <summary>
/// Turns a source into a snapshot plus statistics, streaming in batches. Types are declared or
/// inferred: the first <see cref="IngestOptions.InferenceRows"/> rows give a first guess, and a
/// later value that does not fit widens that column's type and starts the pass again, so the
/// result is what a full scan would infer while a typical file is read once. On failure no
/// snapshot is left behind.
/// </summary>
public static class Ingestor
{
    /// <summary>
    /// Ingests a file: delimited text (gzip-compressed or not, recognised by its bytes). Writes the
    /// snapshot to <paramref name="snapshotPath"/> and, when given, skipped rows to <paramref name="rejectsPath"/>.
    /// </summary>
    public static Task<IngestResult> IngestFileAsync(string path, IngestOptions options, string snapshotPath, string? rejectsPath, string scratchDirectory, TextWriter? log, CancellationToken cancellationToken, string? description = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var name = description ?? path;
        if (!File.Exists(path))
        {
            throw new DataException($"source file {name} does not exist");
        }
        var source = SourceOpener.Delimited(path, name, options.Delimited);
        return IngestAsync(source, options, snapshotPath, rejectsPath, scratchDirectory, log, cancellationToken);
    }

    /// <summary>Ingests <paramref name="source"/>, writing the snapshot and (when given) the rejects file.</summary>
    internal static async Task<IngestResult> IngestAsync(
        Func<CancellationToken, ValueTask<IRecordSource>> source,
        IngestOptions options,
        string snapshotPath,
        string? rejectsPath,
        string scratchDirectory,
        TextWriter? log,
        CancellationToken cancellationToken)
    {
        try
        {
            var (names, types, declared) = await InferAsync(source, options, cancellationToken).ConfigureAwait(false);
            for (var restarts = 0; ; restarts++)
            {
                var target = options.Key.Count > 0 ? Path.Combine(scratchDirectory, "unsorted.parquet") : snapshotPath;
                var pass = new IngestPass(names, types, declared, options, rejectsPath);
                var outcome = await pass.RunAsync(source, target, cancellationToken).ConfigureAwait(false);
                if (outcome.Widened is { } widened)
                {
                    log?.WriteLine($"column '{names[widened.Column]}' at line {widened.Line} holds '{widened.Text}', which is not {types[widened.Column].ToColumnType().ToName()}; reading again with it as {widened.Type.ToColumnType().ToName()}");
                    types[widened.Column] = widened.Type;
                    continue;
                }
                var stats = outcome.Statistics!;
                if (options.Key.Count > 0)
                {
                    await KeySort.SortAsync(target, snapshotPath, options.Key, cancellationToken).ConfigureAwait(false);
                    File.Delete(target);
                }
                var layout = names.Select((n, i) => new ColumnInfo(n, types[i].ToColumnType())).ToArray();
                return new IngestResult(layout, outcome.Rows, outcome.Rejected, stats, restarts);
            }
        }
        catch
        {
            TryDelete(snapshotPath);
            throw;
        }
    }

    private static async Task<(string[] Names, InferredType[] Types, bool[] Declared)> InferAsync(
        Func<CancellationToken, ValueTask<IRecordSource>> open, IngestOptions options, CancellationToken cancellationToken)
    {
        await using var src = await open(cancellationToken).ConfigureAwait(false);
        var hasRecord = await src.ReadAsync(cancellationToken).ConfigureAwait(false);
        var names = ColumnNames.Resolve(src, options, hasRecord ? src.FieldCount : null);
        if (!hasRecord)
        {
            throw new DataException(src.Header is null
                ? $"{src.Description} is empty: it has no rows. Check the file"
                : $"{src.Description} has a header row but no data rows; nothing to ingest");
        }
        var types = new InferredType[names.Length];
        var declared = new bool[names.Length];
        foreach (var (name, type) in options.Types)
        {
            var i = Array.IndexOf(names, name);
            if (i < 0)
            {
                throw new DataException($"'types' declares column '{name}', but {src.Description} has no such column; it has {string.Join(", ", names.Select(n => $"'{n}'"))}");
            }
            types[i] = InferredTypes.FromColumnType(type);
            declared[i] = true;
        }
        foreach (var k in options.Key)
        {
            if (Array.IndexOf(names, k) < 0)
            {
                throw new DataException($"'key' names column '{k}', but {src.Description} has no such column; it has {string.Join(", ", names.Select(n => $"'{n}'"))}");
            }
        }
        var missing = new MissingMarkers(options.Missing);
        var rows = 0;
        do
        {
            if (src.FieldCount != names.Length || Utf8Check.FirstInvalid(src.Raw) >= 0)
            {
                continue; // the main pass reports or rejects it
            }
            for (var c = 0; c < names.Length; c++)
            {
                if (declared[c] || src.IsNull(c))
                {
                    continue;
                }
                var field = options.Trim ? Blanks.Trim(src.Field(c)) : src.Field(c);
                if (!missing.IsMissing(field))
                {
                    types[c] = InferredTypes.Widen(types[c], field);
                }
            }
        }
        while (++rows < options.InferenceRows && await src.ReadAsync(cancellationToken).ConfigureAwait(false));
        return (names, types, declared);
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Best effort; the runner discards a failed step's outputs as well.
        }
    }
}
