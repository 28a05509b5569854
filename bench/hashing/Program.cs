using System.Diagnostics;
using System.Globalization;
using Lockstep.Hashing;

// Times `cat FILE > /dev/null` and the hashers on the same warm file, interleaved, in one process
// run, and prints the best and median throughput of each and the ratio to cat.
if (args.Length < 1)
{
    Console.Error.WriteLine("usage: Lockstep.Bench.Hashing FILE [REPETITIONS]");
    return 2;
}
var path = args[0];
var repetitions = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 7;
var length = new FileInfo(path).Length;
var b3sum = File.Exists("/usr/bin/b3sum") ? "/usr/bin/b3sum" : null;

var cases = new List<(string Name, Func<Task> Run)>
{
    ("cat FILE > /dev/null", () => Shell($"cat '{path}' > /dev/null")),
    ("BLAKE3 (Lockstep) 1 thread", () => Blake3.HashFileAsync(path, 1, CancellationToken.None)),
    ("BLAKE3 (Lockstep) 2 threads", () => Blake3.HashFileAsync(path, 2, CancellationToken.None)),
    ("SHA-256 (ContentHasher)", () => ContentHasher.HashFileAsync(path, CancellationToken.None)),
};
if (b3sum is not null)
{
    // The reference Rust implementation, for context only (it is not what the target names).
    cases.Add(("b3sum --num-threads 1 (reference)", () => Shell($"{b3sum} --num-threads 1 '{path}' > /dev/null")));
    cases.Add(("b3sum (reference, all cores)", () => Shell($"{b3sum} '{path}' > /dev/null")));
}

// Warm-up: page cache and JIT (tiered compilation reaches the optimised kernels).
foreach (var (_, run) in cases)
{
    await run();
    await run();
}
var times = cases.ToDictionary(c => c.Name, _ => new List<double>());
for (var r = 0; r < repetitions; r++)
{
    foreach (var (name, run) in cases)
    {
        var sw = Stopwatch.StartNew();
        await run();
        times[name].Add(sw.Elapsed.TotalSeconds);
    }
}

var gb = length / 1e9;
var catBest = times[cases[0].Name].Min();
var catMedian = Median(times[cases[0].Name]);
Console.WriteLine($"file: {path} ({length:N0} bytes), {repetitions} repetitions each, interleaved, warm cache, {Environment.ProcessorCount} cores");
Console.WriteLine($"{"case",-36} {"best s",8} {"median s",9} {"best GB/s",10} {"med GB/s",9} {"vs cat (best)",14} {"vs cat (median)",16}");
foreach (var (name, _) in cases)
{
    var best = times[name].Min();
    var median = Median(times[name]);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{name,-36} {best,8:F3} {median,9:F3} {gb / best,10:F2} {gb / median,9:F2} {catBest / best,13:F2}x {catMedian / median,15:F2}x"));
}
Console.WriteLine("ratio = cat time / hasher time (throughput ratio); the issue's target is >= 0.80x");
return 0;

static double Median(List<double> values)
{
    var sorted = values.Order().ToArray();
    return sorted[sorted.Length / 2];
}

static async Task Shell(string command)
{
    using var process = Process.Start(new ProcessStartInfo("/bin/sh", ["-c", command]) { UseShellExecute = false })
        ?? throw new InvalidOperationException("could not start /bin/sh");
    await process.WaitForExitAsync();
    if (process.ExitCode != 0)
    {
        throw new InvalidOperationException($"'{command}' exited with {process.ExitCode}");
    }
}
