using System.Text;

namespace Lockstep.Hashing;

/// <summary>
/// Computes content hashes: BLAKE3 (256-bit), which splits a file across all cores and runs about
/// 3.7 times faster than SHA-256 here (bench/hashing.md) — it is computed for every input of every
/// run and every cached output, so its speed is the speed of a cached run on large data. Anyone
/// can check a stored object with <c>b3sum</c> (Debian package b3sum).
/// </summary>
public static class ContentHasher
{
    /// <summary>The algorithm's name as it appears in manifests.</summary>
    public const string Algorithm = "blake3";

    public static ContentHash HashBytes(ReadOnlySpan<byte> bytes)
    {
        Span<byte> digest = stackalloc byte[32];
        Blake3.Hash(bytes, digest);
        return ContentHash.FromBytes(digest);
    }

    public static ContentHash HashString(string text) => HashBytes(Encoding.UTF8.GetBytes(text));

    /// <summary>
    /// Hashes a file that someone else may change while it is read (a workspace's input file): each
    /// thread reads its share into its own buffer, so a concurrent truncation cannot fault the process.
    /// </summary>
    public static async Task<ContentHash> HashFileAsync(string path, CancellationToken cancellationToken) =>
        ContentHash.FromBytes(await Blake3.HashFileAsync(path, Environment.ProcessorCount, memoryMap: false, cancellationToken).ConfigureAwait(false));

    /// <summary>
    /// Hashes a file nobody changes (a stored object, which is read-only, or a temporary file the
    /// store itself wrote) through a memory mapping: no copy out of the page cache, and for a file
    /// read from disk almost no page-table work (bench/hashing.md). Never use it for files others
    /// may truncate: touching a truncated mapping kills the process with SIGBUS.
    /// </summary>
    public static async Task<ContentHash> HashImmutableFileAsync(string path, CancellationToken cancellationToken) =>
        ContentHash.FromBytes(await Blake3.HashFileAsync(path, Environment.ProcessorCount, memoryMap: true, cancellationToken).ConfigureAwait(false));

    /// <summary>Hashes everything a stream yields from its current position.</summary>
    public static async Task<ContentHash> HashStreamAsync(Stream stream, CancellationToken cancellationToken) =>
        ContentHash.FromBytes(await Blake3.HashStreamAsync(stream, cancellationToken).ConfigureAwait(false));
}
