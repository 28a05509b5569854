using System.Diagnostics;
using System.Globalization;
using System.Text;
using Lockstep.Data.Ingest;

// Lockstep's side of bench/ingest/run.sh: ingest a file to a snapshot plus full statistics (the
// same work as ingest_stats.py's read_csv + describe + missing + top categories) and print one
// JSON line. "generate FILE ROWS" writes the synthetic file for the bounded-memory check.
if (args.Length >= 3 && args[0] == "generate")
{
    Generate(args[1], long.Parse(args[2], CultureInfo.InvariantCulture));
    return 0;
}
if (args.Length >= 1 && args[0] == "floor")
{
    // The memory floor: a process that loads the same assemblies (runtime, Lockstep.Data,
    // Parquet.Net, Snappier, compression) and does no work, for comparison with pandas' RSS.
    var layout = new[] { new Lockstep.Data.Tables.ColumnInfo("x", Lockstep.Data.Tables.ColumnType.Double) };
    _ = new Lockstep.Data.Statistics.StatisticsCollector(layout);
    _ = new Parquet.Schema.ParquetSchema(new Parquet.Schema.DataField<double?>("x"));
    _ = typeof(Snappier.Snappy).Assembly.GetName();
    _ = new System.IO.Compression.GZipStream(Stream.Null, System.IO.Compression.CompressionMode.Decompress);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{{\"peak_rss_mib\": {Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0:0.0}}}"));
    return 0;
}
if (args.Length < 1)
{
    Console.Error.WriteLine("usage: IngestBench FILE [--no-header] [--sep S] [--na M] | generate FILE ROWS");
    return 2;
}
var file = args[0];
var header = !args.Contains("--no-header");
var sep = Arg("--sep") ?? ",";
var na = Arg("--na");
var options = new IngestOptions
{
    Delimited = new DelimitedOptions { Delimiter = sep, HasHeader = header },
    Missing = na is null ? [""] : ["", na],
    Trim = true, // pandas' skipinitialspace=True
};
var tmp = Path.Combine(Path.GetTempPath(), "lockstep-bench-" + Environment.ProcessId);
Directory.CreateDirectory(tmp);
try
{
    if (Environment.GetEnvironmentVariable("BENCH_PARSE") == "1")
    {
        for (var rep = 0; rep < 3; rep++)
        {
            var p = Stopwatch.StartNew();
            await using var src = await SourceOpener.Delimited(file, file, options.Delimited)(CancellationToken.None);
            long n = 0, bytes = 0;
            while (await src.ReadAsync(CancellationToken.None))
            {
                n++;
                for (var i = 0; i < src.FieldCount; i++)
                {
                    bytes += src.Field(i).Length;
                }
            }
            Console.Error.WriteLine($"parse only: {n} records, {bytes} bytes in {p.Elapsed.TotalSeconds:0.000}s");
        }
    }
    if (Environment.GetEnvironmentVariable("BENCH_CONVERT") == "1")
    {
        for (var rep = 0; rep < 2; rep++)
        {
            var p = Stopwatch.StartNew();
            await using var src = await SourceOpener.Delimited(file, file, options.Delimited)(CancellationToken.None);
            long ints = 0, dbls = 0, strs = 0;
            var pools = new StringPool[64];
            for (var i = 0; i < 64; i++) pools[i] = new StringPool();
            var b = new Lockstep.Data.Tables.ColumnBuilder("x", Lockstep.Data.Tables.ColumnType.Double, 1 << 20);
            long n = 0;
            while (await src.ReadAsync(CancellationToken.None))
            {
                if (++n % 65536 == 0) b.Build();
                Utf8Check.FirstInvalid(src.Raw);
                for (var i = 0; i < src.FieldCount; i++)
                {
                    var f = src.Field(i).Trim(" \t"u8);
                    if (FastNumbers.TryInt64(f, out var l)) { ints++; }
                    else if (FastNumbers.TryDouble(f, out var d)) { dbls++; b.Add(d); }
                    else { pools[i].Get(f); strs++; }
                }
            }
            Console.Error.WriteLine($"convert-ish: {ints} ints {dbls} doubles {strs} strings in {p.Elapsed.TotalSeconds:0.000}s");
        }
    }
    if (Environment.GetEnvironmentVariable("BENCH_PIECES") == "1")
    {
        await SourceIngest.IngestAsync(file, Path.GetFileName(file), null, options, Path.Combine(tmp, "p.parquet"), null, tmp, null, CancellationToken.None);
        for (var rep = 0; rep < 3; rep++)
        {
            var p = Stopwatch.StartNew();
            var table = await Lockstep.Data.Snapshots.SnapshotFile.ReadAsync(Path.Combine(tmp, "p.parquet"), CancellationToken.None);
            var tRead = p.Elapsed.TotalSeconds;
            p.Restart();
            await Lockstep.Data.Snapshots.SnapshotFile.WriteAsync(table, Path.Combine(tmp, "q.parquet"), CancellationToken.None);
            var tWrite = p.Elapsed.TotalSeconds;
            p.Restart();
            var c = new Lockstep.Data.Statistics.StatisticsCollector(table.Layout);
            c.Add(table);
            c.Build();
            Console.Error.WriteLine($"read {tRead:0.000}s write {tWrite:0.000}s stats {p.Elapsed.TotalSeconds:0.000}s");
        }
    }
    if (Environment.GetEnvironmentVariable("BENCH_WARM") == "1")
    {
        var w = Stopwatch.StartNew();
        await SourceIngest.IngestAsync(file, Path.GetFileName(file), null, options, Path.Combine(tmp, "w.parquet"), null, tmp, null, CancellationToken.None);
        Console.Error.WriteLine($"cold run {w.Elapsed.TotalSeconds:0.000}s");
    }
    var sw = Stopwatch.StartNew();
    var result = await SourceIngest.IngestAsync(file, Path.GetFileName(file), null, options, Path.Combine(tmp, "s.parquet"), null, tmp, null, CancellationToken.None);
    var json = result.Statistics.ToJson();
    sw.Stop();
    var peak = Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0;
    // After the timing: lets a before/after comparison check that the snapshot bytes did not change.
    string snapshotHash;
    using (var snapshot = File.OpenRead(Path.Combine(tmp, "s.parquet")))
    {
        snapshotHash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(snapshot))[..16];
    }
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{{\"rows\": {result.RowCount}, \"cols\": {result.Layout.Count}, \"total_s\": {sw.Elapsed.TotalSeconds:0.000}, \"restarts\": {result.TypeRestarts}, \"stats_bytes\": {json.Length}, \"peak_rss_mib\": {peak:0.0}, \"gc\": [{GC.CollectionCount(0)}, {GC.CollectionCount(1)}, {GC.CollectionCount(2)}], \"gc_pause_s\": {GC.GetTotalPauseDuration().TotalSeconds:0.000}, \"jit_methods\": {System.Runtime.JitInfo.GetCompiledMethodCount()}, \"jit_s\": {System.Runtime.JitInfo.GetCompilationTime().TotalSeconds:0.000}, \"allocated_mib\": {GC.GetTotalAllocatedBytes() / 1048576.0:0}, \"snapshot\": \"{snapshotHash}\", \"statistics\": \"{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(json)))[..16]}\"}}"));
}
finally
{
    Directory.Delete(tmp, recursive: true);
}
return 0;

string? Arg(string name)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}

static void Generate(string path, long rows)
{
    // Deterministic synthetic data: ids, a skewed category, a wide-range double (forces the
    // second statistics pass), a small int, a bool and some missing values.
    var rnd = new Random(42);
    string[] cats = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta"];
    using var w = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 20);
    w.Write("id,category,amount,count,flag,note\n");
    var sb = new StringBuilder();
    for (long i = 0; i < rows; i++)
    {
        sb.Clear();
        sb.Append(i).Append(',')
          .Append(cats[Math.Min(cats.Length - 1, (int)(-Math.Log(1 - rnd.NextDouble()) * 1.5))]).Append(',')
          .Append((rnd.NextDouble() * 1e6).ToString("0.###", CultureInfo.InvariantCulture)).Append(',')
          .Append(rnd.Next(0, 100)).Append(',')
          .Append(rnd.Next(2) == 0 ? "true" : "false").Append(',')
          .Append(rnd.Next(10) == 0 ? "" : "note " + rnd.Next(1000)).Append('\n');
        w.Write(sb);
    }
}
