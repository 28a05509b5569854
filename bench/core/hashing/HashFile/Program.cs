using Lockstep.Hashing;

// Hashes each file named on the command line exactly as the object store does
// (ContentHasher.HashFileAsync) and prints "HASH  PATH", like sha256sum.
if (args.Length == 0)
{
    Console.Error.WriteLine("usage: HashFile FILE...");
    return 2;
}
foreach (var path in args)
{
    var hash = await ContentHasher.HashFileAsync(path, CancellationToken.None);
    Console.WriteLine($"{hash.Hex}  {path}");
}
return 0;
