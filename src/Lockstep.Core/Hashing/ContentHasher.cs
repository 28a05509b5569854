using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace Lockstep.Hashing;

/// <summary>
/// Computes content hashes (SHA-256). SHA-256 is what <c>sha256sum</c> prints, so anyone can check
/// a stored object with standard tools; .NET computes it through OpenSSL with the CPU's SHA
/// extensions where present.
/// </summary>
public static class ContentHasher
{
    private const int BufferSize = 1 << 20;

    public static ContentHash HashBytes(ReadOnlySpan<byte> bytes)
    {
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(bytes, digest);
        return ContentHash.FromBytes(digest);
    }

    public static ContentHash HashString(string text) => HashBytes(Encoding.UTF8.GetBytes(text));

    /// <summary>Hashes a file's bytes, reading it sequentially in large blocks.</summary>
    public static async Task<ContentHash> HashFileAsync(string path, CancellationToken cancellationToken)
    {
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.SequentialScan);
        return await HashHandleAsync(handle, cancellationToken).ConfigureAwait(false);
    }

    internal static async Task<ContentHash> HashHandleAsync(Microsoft.Win32.SafeHandles.SafeFileHandle handle, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            long offset = 0;
            while (true)
            {
                var read = await RandomAccess.ReadAsync(handle, buffer.AsMemory(0, BufferSize), offset, cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }
                hash.AppendData(buffer, 0, read);
                offset += read;
            }
            return ContentHash.FromBytes(hash.GetHashAndReset());
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Hashes everything a stream yields from its current position.</summary>
    public static async Task<ContentHash> HashStreamAsync(Stream stream, CancellationToken cancellationToken)
    {
        var digest = await SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false);
        return ContentHash.FromBytes(digest);
    }
}
