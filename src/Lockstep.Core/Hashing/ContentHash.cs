using System.Diagnostics.CodeAnalysis;

namespace Lockstep.Hashing;

/// <summary>
/// The name of a piece of content: the lowercase hex BLAKE3 (256-bit) of its bytes. Objects in the store,
/// cache keys and parameter digests are all content hashes.
/// </summary>
public readonly record struct ContentHash : IComparable<ContentHash>
{
    public const int HexLength = 64;

    private ContentHash(string hex) => Hex = hex;

    /// <summary>64 lowercase hex digits.</summary>
    public string Hex { get; }

    /// <summary>The first 12 hex digits, enough to name an object to a person.</summary>
    public string Short => Hex[..12];

    public static ContentHash FromBytes(ReadOnlySpan<byte> digest)
    {
        if (digest.Length != 32)
        {
            throw new ArgumentException("a content hash is 32 bytes", nameof(digest));
        }
        return new ContentHash(Convert.ToHexStringLower(digest));
    }

    public static ContentHash Parse(string hex)
    {
        if (!TryParse(hex, out var hash))
        {
            throw new FormatException($"'{hex}' is not a content hash (64 hex digits)");
        }
        return hash;
    }

    public static bool TryParse([NotNullWhen(true)] string? hex, out ContentHash hash)
    {
        hash = default;
        if (hex is null || hex.Length != HexLength)
        {
            return false;
        }
        foreach (var c in hex)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return false;
            }
        }
        hash = new ContentHash(hex.ToLowerInvariant());
        return true;
    }

    /// <summary>True when <paramref name="text"/> could be an abbreviation of a hash (4+ hex digits).</summary>
    public static bool IsHexPrefix(string text) =>
        text.Length is >= 4 and <= HexLength && text.All(char.IsAsciiHexDigit);

    public int CompareTo(ContentHash other) => string.CompareOrdinal(Hex, other.Hex);

    public override string ToString() => Hex ?? "";
}
