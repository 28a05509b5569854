namespace Lockstep.Hashing;

/// <summary>The input of the official BLAKE3 test vectors: byte i is i mod 251.</summary>
internal static class Blake3TestInput
{
    public static byte[] Bytes(int length)
    {
        var bytes = new byte[length];
        for (var i = 0; i < length; i++)
        {
            bytes[i] = (byte)(i % 251);
        }
        return bytes;
    }

    /// <summary>Every kernel this CPU can run, so each one is checked against the vectors.</summary>
    public static IEnumerable<Blake3SimdLevel> AvailableLevels()
    {
        yield return Blake3SimdLevel.None;
        if (Blake3Avx2.IsSupported)
        {
            yield return Blake3SimdLevel.Avx2;
        }
        if (Blake3Avx512.IsSupported)
        {
            yield return Blake3SimdLevel.Avx512;
        }
    }

    public static string Hex(byte[] hash) => Convert.ToHexStringLower(hash);
}
