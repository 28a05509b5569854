using System.Globalization;
using System.Text;
using Parquet;
using Parquet.Schema;

namespace Lockstep.Serving.Logging;

/// <summary>Writes log records to CSV (RFC 4180) or Parquet, streaming in row groups.</summary>
public static class PredictionExporter
{
    private const int RowGroupSize = 50_000;

    private static readonly string[] Columns =
        ["request_id", "row_index", "at", "model", "version", "bundle_hash", "input_json", "output_json", "findings_json", "latency_us", "source"];

    public static async Task<long> WriteCsvAsync(IAsyncEnumerable<PredictionRecord> records, Stream output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(records);
        await using var writer = new StreamWriter(output, new UTF8Encoding(false), 1 << 16, leaveOpen: true);
        await writer.WriteLineAsync(string.Join(',', Columns)).ConfigureAwait(false);
        long n = 0;
        await foreach (var r in records.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            string?[] cells =
            [
                r.RequestId, r.RowIndex.ToString(CultureInfo.InvariantCulture), PredictionLogReader.Format(r.At), r.Model,
                r.Version.ToString(CultureInfo.InvariantCulture), r.BundleHash, r.InputJson, r.OutputJson, r.FindingsJson,
                r.LatencyMicros.ToString(CultureInfo.InvariantCulture), r.Source,
            ];
            await writer.WriteLineAsync(string.Join(',', cells.Select(Quote))).ConfigureAwait(false);
            n++;
        }
        return n;
    }

    public static async Task<long> WriteParquetAsync(IAsyncEnumerable<PredictionRecord> records, Stream output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(records);
        var fields = new DataField[]
        {
            new DataField<string>("request_id"), new DataField<int>("row_index"), new DataField<string>("at"),
            new DataField<string>("model"), new DataField<int>("version"), new DataField<string>("bundle_hash"),
            new DataField<string>("input_json"), new DataField<string>("output_json"), new DataField<string>("findings_json", true),
            new DataField<long>("latency_us"), new DataField<string>("source"),
        };
        var schema = new ParquetSchema(fields);
        await using var writer = await ParquetWriter.CreateAsync(schema, output, cancellationToken: cancellationToken).ConfigureAwait(false);
        var buffer = new List<PredictionRecord>(RowGroupSize);
        long n = 0;
        await foreach (var r in records.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            buffer.Add(r);
            if (buffer.Count == RowGroupSize)
            {
                await WriteGroupAsync(writer, fields, buffer, cancellationToken).ConfigureAwait(false);
                n += buffer.Count;
                buffer.Clear();
            }
        }
        if (buffer.Count > 0 || n == 0)
        {
            await WriteGroupAsync(writer, fields, buffer, cancellationToken).ConfigureAwait(false);
            n += buffer.Count;
        }
        return n;
    }

    private static async Task WriteGroupAsync(ParquetWriter writer, DataField[] f, List<PredictionRecord> rows, CancellationToken ct)
    {
        using var group = writer.CreateRowGroup();
        await group.WriteAsync(f[0], rows.Select(r => r.RequestId).ToArray()).ConfigureAwait(false);
        await group.WriteAsync<int>(f[1], rows.Select(r => r.RowIndex).ToArray(), cancellationToken: ct).ConfigureAwait(false);
        await group.WriteAsync(f[2], rows.Select(r => PredictionLogReader.Format(r.At)).ToArray()).ConfigureAwait(false);
        await group.WriteAsync(f[3], rows.Select(r => r.Model).ToArray()).ConfigureAwait(false);
        await group.WriteAsync<int>(f[4], rows.Select(r => r.Version).ToArray(), cancellationToken: ct).ConfigureAwait(false);
        await group.WriteAsync(f[5], rows.Select(r => r.BundleHash).ToArray()).ConfigureAwait(false);
        await group.WriteAsync(f[6], rows.Select(r => r.InputJson).ToArray()).ConfigureAwait(false);
        await group.WriteAsync(f[7], rows.Select(r => r.OutputJson).ToArray()).ConfigureAwait(false);
        await group.WriteAsync(f[8], rows.Select(r => r.FindingsJson!).ToArray()).ConfigureAwait(false);
        await group.WriteAsync<long>(f[9], rows.Select(r => r.LatencyMicros).ToArray(), cancellationToken: ct).ConfigureAwait(false);
        await group.WriteAsync(f[10], rows.Select(r => r.Source).ToArray()).ConfigureAwait(false);
    }

    private static string Quote(string? cell)
    {
        if (cell is null)
        {
            return "";
        }
        return cell.AsSpan().IndexOfAny(",\"\r\n") < 0 ? cell : "\"" + cell.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }
}
