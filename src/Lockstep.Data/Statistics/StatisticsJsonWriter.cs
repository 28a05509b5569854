using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Lockstep.Data.Statistics;

/// <summary>
/// Writes the statistics artifact with a <see cref="Utf8JsonWriter"/>, byte for byte what
/// <see cref="StatisticsJson"/> (the source-generated serializer, still used to read it) writes.
/// Hand-written because the generated metadata instantiates a few hundred generic methods over
/// these records that ReadyToRun cannot precompile: each ingest paid ~20 ms of JIT to write one
/// small file. A test compares the two on every kind of column.
/// </summary>
internal static class StatisticsJsonWriter
{
    public static string Write(DatasetStatistics stats)
    {
        var buffer = new ArrayBufferWriter<byte>(16 << 10);
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("format", stats.Format);
            w.WriteNumber("row_count", stats.RowCount);
            w.WriteStartArray("columns");
            foreach (var c in stats.Columns)
            {
                WriteColumn(w, c);
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void WriteColumn(Utf8JsonWriter w, ColumnStatistics c)
    {
        w.WriteStartObject();
        w.WriteString("name", c.Name);
        w.WriteString("type", c.Type);
        w.WriteNumber("count", c.Count);
        w.WriteNumber("missing", c.Missing);
        Number(w, "missing_rate", c.MissingRate);
        w.WriteNumber("distinct", c.Distinct);
        w.WriteBoolean("distinct_at_least", c.DistinctAtLeast);
        Number(w, "min", c.Min);
        Number(w, "max", c.Max);
        Number(w, "mean", c.Mean);
        Number(w, "std_dev", c.StdDev);
        w.WriteNumber("non_finite", c.NonFinite);
        if (c.Quantiles is { } quantiles)
        {
            w.WriteStartObject("quantiles");
            foreach (var (key, value) in quantiles)
            {
                Number(w, key, value);
            }
            w.WriteEndObject();
        }
        Boolean(w, "quantiles_exact", c.QuantilesExact);
        if (c.Histogram is { } histogram)
        {
            w.WriteStartArray("histogram");
            foreach (var bin in histogram)
            {
                w.WriteStartObject();
                Number(w, "low", bin.Low);
                Number(w, "high", bin.High);
                w.WriteNumber("count", bin.Count);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        if (c.Top is { } top)
        {
            w.WriteStartArray("top");
            foreach (var value in top)
            {
                w.WriteStartObject();
                w.WriteString("value", value.Value);
                w.WriteNumber("count", value.Count);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        Boolean(w, "top_exact", c.TopExact);
        if (c.Lengths is { } lengths)
        {
            w.WriteStartObject("lengths");
            w.WriteNumber("min", lengths.Min);
            Number(w, "mean", lengths.Mean);
            w.WriteNumber("max", lengths.Max);
            w.WriteEndObject();
        }
        w.WriteEndObject();
    }

    private static void Number(Utf8JsonWriter w, string name, double? value)
    {
        if (value is not { } v)
        {
            return; // WhenWritingNull
        }
        if (double.IsFinite(v))
        {
            w.WriteNumber(name, v);
        }
        else
        {
            // AllowNamedFloatingPointLiterals: "NaN", "Infinity", "-Infinity" as strings.
            w.WriteString(name, double.IsNaN(v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity");
        }
    }

    private static void Boolean(Utf8JsonWriter w, string name, bool? value)
    {
        if (value is { } b)
        {
            w.WriteBoolean(name, b);
        }
    }
}
