using System.Globalization;
using System.Runtime.CompilerServices;
using Lockstep.Hashing;
using Lockstep.Storage;
using Lockstep.Stores.Sqlite;
using Microsoft.Data.Sqlite;

namespace Lockstep.Serving.Logging;

/// <summary>
/// Reads the prediction log, oldest first, streaming (memory does not grow with the log but for
/// one batch run's input at a time). <paramref name="objects"/>: the store's objects, where the
/// input files that format 3 blocks refer to are (read verified); without it such a block is an error.
/// </summary>
public sealed class PredictionLogReader(SqliteDatabase database, IObjectStore? objects = null)
{
    /// <summary>The block's input object, after the block's columns (see <see cref="Block"/>).</summary>
    private const string InputColumn = ", CASE WHEN block_rows IS NOT NULL THEN (SELECT object_hash FROM prediction_inputs i WHERE i.request_id = predictions.request_id) END";

    public async IAsyncEnumerable<PredictionRecord> ReadAsync(PredictionQuery query, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var cmd = connection.CreateCommand();
        var where = new List<string>();
        if (query.Model is not null)
        {
            where.Add("model = $m");
            cmd.Parameters.AddWithValue("$m", query.Model);
        }
        if (query.Version is not null)
        {
            where.Add("version = $v");
            cmd.Parameters.AddWithValue("$v", query.Version.Value);
        }
        if (query.From is not null)
        {
            where.Add("at >= $from");
            cmd.Parameters.AddWithValue("$from", Format(query.From.Value));
        }
        if (query.To is not null)
        {
            where.Add("at < $to");
            cmd.Parameters.AddWithValue("$to", Format(query.To.Value));
        }
        cmd.CommandText = "SELECT request_id, row_index, at, model, version, bundle_hash, input_json, output_json, findings_json, latency_us, source, block_rows, block"
            + InputColumn + " FROM predictions"
            + (where.Count > 0 ? " WHERE " + string.Join(" AND ", where) : "")
            + " ORDER BY seq"
            + (query.Limit is { } limit ? " LIMIT " + limit.ToString(CultureInfo.InvariantCulture) : "");
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        using var inputs = new InputCache();
        var left = query.Limit ?? long.MaxValue;
        while (left > 0 && await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            if (!reader.IsDBNull(11))
            {
                // A batch block (store migration 5): one row of the log, many predictions.
                var block = Block(reader);
                var input = await InputAsync(block, inputs, cancellationToken).ConfigureAwait(false);
                foreach (var record in Expand(block, input))
                {
                    if (left-- <= 0)
                    {
                        break;
                    }
                    yield return record;
                }
                continue;
            }
            left--;
            yield return new PredictionRecord(
                reader.GetString(0),
                reader.GetInt32(1),
                ParseAt(reader.GetString(2)),
                reader.GetString(3),
                reader.GetInt32(4),
                reader.GetString(5),
                reader.GetString(6),
                reader.GetString(7),
                reader.IsDBNull(8) ? null : reader.GetString(8),
                reader.GetInt64(9),
                reader.GetString(10));
        }
    }

    /// <summary>
    /// Decodes every batch block of the log, as <c>predictions export</c> would, and counts the
    /// per-request predictions: <c>lockstep verify</c>'s check of the log. Unlike a read, it goes
    /// on past a damaged block and names each one.
    /// </summary>
    public async Task<PredictionLogHealth> CheckAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        long predictions;
        await using (var single = connection.CreateCommand())
        {
            single.CommandText = "SELECT count(*) FROM predictions WHERE block_rows IS NULL";
            predictions = Convert.ToInt64(await single.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
        }
        long blocks = 0;
        var damaged = new List<string>();
        await using var cmd = connection.CreateCommand();
        // The same columns, at the same positions, as ReadAsync's (Block reads them).
        cmd.CommandText = "SELECT request_id, row_index, at, model, version, bundle_hash, NULL, NULL, NULL, NULL, source, block_rows, block" + InputColumn + " FROM predictions WHERE block_rows IS NOT NULL ORDER BY seq";
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        using var inputs = new InputCache();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            blocks++;
            try
            {
                var block = Block(reader);
                var records = Expand(block, await InputAsync(block, inputs, cancellationToken).ConfigureAwait(false)).Count;
                predictions += records;
                if (records != block.Rows)
                {
                    damaged.Add($"the block of request {block.RequestId} (row {block.FirstRow} on) holds {records} predictions but was logged with {block.Rows}");
                }
            }
            catch (Lockstep.Errors.StoreException e)
            {
                damaged.Add(e.Message.Replace("cannot read the prediction log: ", "", StringComparison.Ordinal));
            }
        }
        return new PredictionLogHealth(predictions, blocks, damaged);
    }

    /// <summary>
    /// The input object a format 3 block refers to (null for formats 1 and 2), verified (re-hashed)
    /// once per run: a run's blocks follow each other, and <paramref name="inputs"/> keeps the last
    /// one open. A missing or damaged object, or none named, is a store error naming the object
    /// and the request (the other runs read on: <c>predictions export --since/--until</c> around it).
    /// </summary>
    private async ValueTask<InputWindow?> InputAsync(PredictionBlock block, InputCache inputs, CancellationToken cancellationToken)
    {
        bool byReference;
        try
        {
            byReference = PredictionBlockFormat.IsByReference(block);
        }
        catch (InvalidDataException e)
        {
            throw new Lockstep.Errors.StoreException($"cannot read the prediction log: {e.Message}", e);
        }
        if (!byReference)
        {
            return null;
        }
        if (block.InputObject is not { } hex || !ContentHash.TryParse(hex, out var hash))
        {
            throw new Lockstep.Errors.StoreException($"cannot read the prediction log: the block of request {block.RequestId} (row {block.FirstRow} on) refers to the run's input file, but the log names no input object for that run (table prediction_inputs); the other blocks are intact (export around it with --since/--until)");
        }
        if (hex == inputs.Hash)
        {
            return inputs.Window;
        }
        if (objects is null)
        {
            throw new InvalidOperationException("reading a format 3 prediction block needs the store's objects (PredictionLogReader's objects argument)");
        }
        try
        {
            var path = await objects.GetVerifiedPathAsync(hash, cancellationToken).ConfigureAwait(false);
            inputs.Set(hex, InputWindow.Open(path));
            return inputs.Window;
        }
        catch (Exception e) when (e is Lockstep.Errors.CorruptObjectException or IOException or UnauthorizedAccessException)
        {
            var what = e is Lockstep.Errors.CorruptObjectException { Actual: not null } ? "damaged (its bytes no longer hash to its name)" : "missing from the store";
            throw new Lockstep.Errors.StoreException($"cannot read the prediction log: the input object {hex} of request {block.RequestId} (its batch input file, rows from {block.FirstRow} on) is {what}; run 'lockstep verify' to list the store's damage (the other runs read on: export around it with --since/--until)", e);
        }
    }

    /// <summary>The batch block in the reader's current row (columns as in <see cref="ReadAsync"/>'s query, the input object's hash last).</summary>
    private static PredictionBlock Block(SqliteDataReader reader) =>
        new(reader.GetString(0), reader.GetInt32(1), reader.GetInt32(11), ParseAt(reader.GetString(2)),
            reader.GetString(3), reader.GetInt32(4), reader.GetString(5), reader.GetString(10),
            reader.GetValue(12) as byte[] ?? throw new Lockstep.Errors.StoreException(
                $"cannot read the prediction log: the block of request {reader.GetString(0)} (row {reader.GetInt32(1)} on) is damaged: it holds {reader.GetFieldType(12).Name} instead of bytes; the other blocks are intact (export around it with --since/--until)"))
        {
            InputObject = reader.IsDBNull(13) ? null : reader.GetString(13),
        };

    /// <summary>
    /// A block's records (a chunk's worth, at most a few thousand), or a store error that names the
    /// block when it is damaged or of a newer format (a clear message and exit code, not a crash).
    /// </summary>
    private static List<PredictionRecord> Expand(PredictionBlock block, InputWindow? input)
    {
        try
        {
            return [.. PredictionBlockFormat.Expand(block, input)];
        }
        catch (InvalidDataException e)
        {
            throw new Lockstep.Errors.StoreException($"cannot read the prediction log: {e.Message}", e);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Any other failure while decoding one stored blob is damage to it: a length or offset
            // past the payload, a negative count, a text length other than -1 (format 1 has no
            // part lengths to check, and a format 2 part can expand to damaged rows).
            throw new Lockstep.Errors.StoreException($"cannot read the prediction log: the block of request {block.RequestId} (row {block.FirstRow} on) is damaged; the other blocks are intact (export around it with --since/--until)", e);
        }
    }

    /// <summary>The input object last opened by one read of the log.</summary>
    private sealed class InputCache : IDisposable
    {
        public string? Hash { get; private set; }

        public InputWindow? Window { get; private set; }

        public void Set(string hash, InputWindow window)
        {
            Window?.Dispose();
            (Hash, Window) = (hash, window);
        }

        public void Dispose() => Window?.Dispose();
    }

    private static DateTimeOffset ParseAt(string at) =>
        DateTimeOffset.Parse(at, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);

    /// <summary>Number of log rows matching <paramref name="query"/> (ignores the limit).</summary>
    public async Task<long> CountAsync(PredictionQuery query, CancellationToken cancellationToken)
    {
        long n = 0;
        await foreach (var _ in ReadAsync(query with { Limit = null }, cancellationToken).ConfigureAwait(false))
        {
            n++;
        }
        return n;
    }

    /// <summary>
    /// The log's timestamp form: UTC, microseconds, sortable as text — what
    /// <c>ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture)</c> gives
    /// (fraction truncated), written by hand: the framework's custom date format is not in the
    /// ReadyToRun image (its digit writers are generic over the character type), so a batch run
    /// JIT-compiled ten methods on the log's thread at its first block, in the middle of scoring.
    /// </summary>
    public static string Format(DateTimeOffset at)
    {
        var d = at.UtcDateTime;
        Span<char> s = stackalloc char[27];
        Digits(s[..4], d.Year);
        s[4] = '-';
        Digits(s.Slice(5, 2), d.Month);
        s[7] = '-';
        Digits(s.Slice(8, 2), d.Day);
        s[10] = 'T';
        Digits(s.Slice(11, 2), d.Hour);
        s[13] = ':';
        Digits(s.Slice(14, 2), d.Minute);
        s[16] = ':';
        Digits(s.Slice(17, 2), d.Second);
        s[19] = '.';
        Digits(s.Slice(20, 6), (int)(d.Ticks % TimeSpan.TicksPerSecond / 10));
        s[26] = 'Z';
        return new string(s);
    }

    private static void Digits(Span<char> into, int value)
    {
        for (var i = into.Length - 1; i >= 0; i--)
        {
            into[i] = (char)('0' + (value % 10));
            value /= 10;
        }
    }
}
