using Lockstep.Hashing;

// Hashes each file named on the command line exactly as the object store does and prints
// "HASH  PATH", like b3sum: by default as a workspace input file (ContentHasher.HashFileAsync, read
// into buffers), with --stored first as a stored object (ContentHasher.HashImmutableFileAsync,
// memory-mapped).
var stored = args.Length > 0 && args[0] == "--stored";
var files = stored ? args[1..] : args;
if (files.Length == 0)
{
    Console.Error.WriteLine("usage: HashFile [--stored] FILE...");
    return 2;
}
foreach (var path in files)
{
    var hash = stored
        ? await ContentHasher.HashImmutableFileAsync(path, CancellationToken.None)
        : await ContentHasher.HashFileAsync(path, CancellationToken.None);
    Console.WriteLine($"{hash.Hex}  {path}");
}
return 0;
