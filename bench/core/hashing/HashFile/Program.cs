using Lockstep.Hashing;

// Hashes each file named on the command line exactly as the object store does
// (ContentHasher.HashFileAsync) and prints "HASH  PATH", like sha256sum.
// With --mmap first, it hashes through a memory mapping instead (for comparison).
var mmap = args.Length > 0 && args[0] == "--mmap";
var files = mmap ? args[1..] : args;
if (files.Length == 0)
{
    Console.Error.WriteLine("usage: HashFile [--mmap] FILE...");
    return 2;
}
foreach (var path in files)
{
    var hash = mmap
        ? ContentHash.FromBytes(await Blake3.HashFileAsync(path, Environment.ProcessorCount, memoryMap: true, CancellationToken.None))
        : await ContentHasher.HashFileAsync(path, CancellationToken.None);
    Console.WriteLine($"{hash.Hex}  {path}");
}
return 0;
