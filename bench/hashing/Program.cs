using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Lockstep.Hashing;

// Times `cat FILE > /dev/null` and the hashers on the same warm file, interleaved, in one process
// run, and prints the best and median wall-clock throughput of each, the ratio to cat, and the
// CPU time each case consumed (user + system): on a shared machine CPU time per GiB is the figure
// that other people's load disturbs least.
if (args.Length < 1)
{
    Console.Error.WriteLine("usage: Lockstep.Bench.Hashing FILE [REPETITIONS]");
    return 2;
}
var path = args[0];
var repetitions = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 7;
var length = new FileInfo(path).Length;
var b3sum = File.Exists("/usr/bin/b3sum") ? "/usr/bin/b3sum" : null;
var perf = File.Exists("/usr/bin/perf") ? "/usr/bin/perf" : null;

var cases = new List<(string Name, Func<Task<double>> Run)>
{
    ("cat FILE > /dev/null", () => Shell($"exec cat '{path}' > /dev/null")),
    // What the store uses: workspace files are read (a truncation cannot fault the process), stored objects mapped.
    ("ContentHasher.HashFileAsync (read)", () => InProcess(() => ContentHasher.HashFileAsync(path, CancellationToken.None))),
    ("ContentHasher.HashImmutableFileAsync (map)", () => InProcess(() => ContentHasher.HashImmutableFileAsync(path, CancellationToken.None))),
    ("BLAKE3 read, 1 thread", () => InProcess(() => Blake3.HashFileAsync(path, 1, memoryMap: false, CancellationToken.None))),
    ("BLAKE3 map, 1 thread", () => InProcess(() => Blake3.HashFileAsync(path, 1, memoryMap: true, CancellationToken.None))),
    ("SHA-256 (.NET, the former ContentHasher)", () => InProcess(() => Sha256FileAsync(path))),
};
if (b3sum is not null)
{
    // The reference Rust implementation, for context only (it is not what the target names).
    cases.Add(("b3sum --num-threads 1 (reference)", () => Shell($"exec {b3sum} --num-threads 1 '{path}' > /dev/null")));
    cases.Add(("b3sum (reference, all cores)", () => Shell($"exec {b3sum} '{path}' > /dev/null")));
}
if (OperatingSystem.IsLinux())
{
    // Where the time goes: the parts of the hashers, timed alone.
    cases.AddRange(Breakdown.Cases(path, length).Select(c => (c.Name, (Func<Task<double>>)(() => InProcess(() => Task.Run(c.Run))))));
}

var loadBefore = Uptime();
// Warm-up: page cache and JIT.
foreach (var (_, run) in cases)
{
    await run();
    await run();
}
var wall = cases.ToDictionary(c => c.Name, _ => new List<double>());
var cpu = cases.ToDictionary(c => c.Name, _ => new List<double>());
for (var r = 0; r < repetitions; r++)
{
    foreach (var (name, run) in cases)
    {
        var sw = Stopwatch.StartNew();
        var cpuSeconds = await run();
        wall[name].Add(sw.Elapsed.TotalSeconds);
        cpu[name].Add(cpuSeconds);
    }
}

var gb = length / 1e9;
var catName = cases[0].Name;
var (catBest, catMedian) = (wall[catName].Min(), Median(wall[catName]));
Console.WriteLine($"load before: {loadBefore}");
Console.WriteLine($"load after:  {Uptime()}");
Console.WriteLine($"file: {path} ({length:N0} bytes), {repetitions} repetitions each, interleaved, warm cache, {Environment.ProcessorCount} cores");
Console.WriteLine($"{"case",-52} {"best s",7} {"median s",8} {"best GB/s",9} {"med GB/s",8} {"vs cat best",11} {"vs cat med",10} {"CPU s (min)",11} {"idle bound",10}");
var catCpu = cpu[catName].Min();
foreach (var (name, _) in cases)
{
    var best = wall[name].Min();
    var median = Median(wall[name]);
    var cpuText = cpu[name].Any(double.IsNaN) ? "n/a" : cpu[name].Min().ToString("F3", CultureInfo.InvariantCulture);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{name,-52} {best,7:F3} {median,8:F3} {gb / best,9:F2} {gb / median,8:F2} {catBest / best,10:F2}x {catMedian / median,9:F2}x {cpuText,11} {IdleBound(name),9}"));
}
Console.WriteLine("vs cat = cat's time / the case's time (throughput ratio); the issue's target is >= 0.80x.");
Console.WriteLine("idle bound = cat's CPU time / (the case's CPU time / its threads): the ratio on an otherwise idle machine if");
Console.WriteLine("            every thread had a core to itself and cat's wall time equalled its CPU time (a projection, not a timing).");
return 0;

// In-process BLAKE3 cases use every core unless their name says "1 thread"; shell commands are left out.
string IdleBound(string name)
{
    if (name == catName || name.Contains("only", StringComparison.Ordinal)
        || !(name.Contains("BLAKE3", StringComparison.Ordinal) || name.StartsWith("ContentHasher", StringComparison.Ordinal)))
    {
        return "";
    }
    var threads = name.Contains("1 thread", StringComparison.Ordinal) ? 1 : Environment.ProcessorCount;
    return string.Create(CultureInfo.InvariantCulture, $"{catCpu / (cpu[name].Min() / threads):F2}x");
}

// SHA-256 exactly as ContentHasher computed it before the store switched to BLAKE3: 1 MiB reads
// into IncrementalHash (OpenSSL, SHA extensions).
static async Task Sha256FileAsync(string path)
{
    using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.SequentialScan);
    using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    var buffer = new byte[1 << 20];
    long offset = 0;
    int read;
    while ((read = await RandomAccess.ReadAsync(handle, buffer, offset)) > 0)
    {
        hash.AppendData(buffer, 0, read);
        offset += read;
    }
    hash.GetHashAndReset();
}

static string Uptime() => File.Exists("/proc/loadavg") ? "load average " + File.ReadAllText("/proc/loadavg").Trim() : "n/a";

static double Median(List<double> values)
{
    var sorted = values.Order().ToArray();
    return sorted[sorted.Length / 2];
}

static async Task<double> InProcess(Func<Task> work)
{
    var process = Process.GetCurrentProcess();
    var before = process.TotalProcessorTime;
    await work();
    process.Refresh();
    return (process.TotalProcessorTime - before).TotalSeconds;
}

// Runs a shell command; returns its CPU time from `perf stat` when perf is installed, else NaN.
async Task<double> Shell(string command)
{
    var startInfo = perf is null
        ? new ProcessStartInfo("/bin/sh", ["-c", command])
        : new ProcessStartInfo(perf, ["stat", "-x", ",", "-e", "task-clock", "--", "/bin/sh", "-c", command]);
    startInfo.UseShellExecute = false;
    startInfo.RedirectStandardError = true;
    using var process = Process.Start(startInfo) ?? throw new InvalidOperationException($"could not start '{command}'");
    var stderr = await process.StandardError.ReadToEndAsync();
    await process.WaitForExitAsync();
    if (process.ExitCode != 0)
    {
        throw new InvalidOperationException($"'{command}' exited with {process.ExitCode}: {stderr}");
    }
    // perf's CSV line: "<msec>,msec,task-clock,...".
    var line = stderr.Split('\n').FirstOrDefault(l => l.Contains(",task-clock", StringComparison.Ordinal));
    return line is not null && double.TryParse(line.Split(',')[0], CultureInfo.InvariantCulture, out var msec) ? msec / 1000 : double.NaN;
}
