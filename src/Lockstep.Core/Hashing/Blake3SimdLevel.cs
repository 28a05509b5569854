namespace Lockstep.Hashing;

/// <summary>Which wide compression kernel the BLAKE3 tree code may use.</summary>
internal enum Blake3SimdLevel
{
    /// <summary>Portable code only (<see cref="Blake3Compression"/>).</summary>
    None = 0,

    /// <summary>8 inputs at once in AVX2 registers.</summary>
    Avx2 = 1,

    /// <summary>16 inputs at once in AVX-512 registers, then 8 at once for the rest.</summary>
    Avx512 = 2,
}
