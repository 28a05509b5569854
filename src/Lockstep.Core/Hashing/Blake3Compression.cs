using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Lockstep.Hashing;

/// <summary>
/// BLAKE3's constants and its portable compression function: one 64-byte block into an 8-word
/// chaining value. Used for partial chunks, the top of the tree and on CPUs without SIMD; the
/// wide kernels (<see cref="Blake3Avx512"/>, <see cref="Blake3Avx2"/>) compute the same function
/// on 16 or 8 independent inputs at once.
/// </summary>
internal static class Blake3Compression
{
    internal const int BlockLength = 64;
    internal const int ChunkLength = 1024;
    internal const int BlocksPerChunk = ChunkLength / BlockLength;
    internal const int OutputLength = 32;

    internal const uint ChunkStart = 1;
    internal const uint ChunkEnd = 2;
    internal const uint Parent = 4;
    internal const uint Root = 8;

    internal const uint Iv0 = 0x6A09E667;
    internal const uint Iv1 = 0xBB67AE85;
    internal const uint Iv2 = 0x3C6EF372;
    internal const uint Iv3 = 0xA54FF53A;
    internal const uint Iv4 = 0x510E527F;
    internal const uint Iv5 = 0x9B05688C;
    internal const uint Iv6 = 0x1F83D9AB;
    internal const uint Iv7 = 0x5BE0CD19;

    /// <summary>Writes the initial chaining value (the IV; default hash mode has no key).</summary>
    internal static void SetIv(Span<uint> cv)
    {
        cv[0] = Iv0; cv[1] = Iv1; cv[2] = Iv2; cv[3] = Iv3;
        cv[4] = Iv4; cv[5] = Iv5; cv[6] = Iv6; cv[7] = Iv7;
    }

    /// <summary>
    /// Compresses <paramref name="block"/> (64 bytes, zero-padded past <paramref name="blockLength"/>)
    /// into <paramref name="cv"/> in place. The result is the first half of the compression output,
    /// which is both the next chaining value and, with <see cref="Root"/> set, the 32-byte hash.
    /// </summary>
    // Not AggressiveOptimization: that attribute keeps a method out of ReadyToRun images, so the
    // shipped build JIT-compiled this 3.5 KB method with full optimisation in every process (a
    // cached run hashes its pipeline file and inputs with it). The ReadyToRun code is optimised;
    // a JIT build calls it often enough to be re-compiled at tier 1 within the first large file.
    internal static void Compress(Span<uint> cv, ReadOnlySpan<byte> block, ulong counter, uint blockLength, uint flags)
    {
        if (cv.Length < 8 || block.Length < BlockLength)
        {
            throw new ArgumentException("a compression needs an 8-word chaining value and a 64-byte block");
        }
        var m0 = BinaryPrimitives.ReadUInt32LittleEndian(block);
        var m1 = BinaryPrimitives.ReadUInt32LittleEndian(block[4..]);
        var m2 = BinaryPrimitives.ReadUInt32LittleEndian(block[8..]);
        var m3 = BinaryPrimitives.ReadUInt32LittleEndian(block[12..]);
        var m4 = BinaryPrimitives.ReadUInt32LittleEndian(block[16..]);
        var m5 = BinaryPrimitives.ReadUInt32LittleEndian(block[20..]);
        var m6 = BinaryPrimitives.ReadUInt32LittleEndian(block[24..]);
        var m7 = BinaryPrimitives.ReadUInt32LittleEndian(block[28..]);
        var m8 = BinaryPrimitives.ReadUInt32LittleEndian(block[32..]);
        var m9 = BinaryPrimitives.ReadUInt32LittleEndian(block[36..]);
        var m10 = BinaryPrimitives.ReadUInt32LittleEndian(block[40..]);
        var m11 = BinaryPrimitives.ReadUInt32LittleEndian(block[44..]);
        var m12 = BinaryPrimitives.ReadUInt32LittleEndian(block[48..]);
        var m13 = BinaryPrimitives.ReadUInt32LittleEndian(block[52..]);
        var m14 = BinaryPrimitives.ReadUInt32LittleEndian(block[56..]);
        var m15 = BinaryPrimitives.ReadUInt32LittleEndian(block[60..]);

        uint v0 = cv[0], v1 = cv[1], v2 = cv[2], v3 = cv[3], v4 = cv[4], v5 = cv[5], v6 = cv[6], v7 = cv[7];
        uint v8 = Iv0, v9 = Iv1, v10 = Iv2, v11 = Iv3;
        var v12 = (uint)counter;
        var v13 = (uint)(counter >> 32);
        var v14 = blockLength;
        var v15 = flags;

        // Seven rounds, message words taken in the order of the specification's schedule
        // (each round permutes the previous round's order by 2,6,3,10,7,0,4,13,1,11,12,5,9,14,15,8).
        // round 1
        G(ref v0, ref v4, ref v8, ref v12, m0, m1); G(ref v1, ref v5, ref v9, ref v13, m2, m3);
        G(ref v2, ref v6, ref v10, ref v14, m4, m5); G(ref v3, ref v7, ref v11, ref v15, m6, m7);
        G(ref v0, ref v5, ref v10, ref v15, m8, m9); G(ref v1, ref v6, ref v11, ref v12, m10, m11);
        G(ref v2, ref v7, ref v8, ref v13, m12, m13); G(ref v3, ref v4, ref v9, ref v14, m14, m15);
        // round 2
        G(ref v0, ref v4, ref v8, ref v12, m2, m6); G(ref v1, ref v5, ref v9, ref v13, m3, m10);
        G(ref v2, ref v6, ref v10, ref v14, m7, m0); G(ref v3, ref v7, ref v11, ref v15, m4, m13);
        G(ref v0, ref v5, ref v10, ref v15, m1, m11); G(ref v1, ref v6, ref v11, ref v12, m12, m5);
        G(ref v2, ref v7, ref v8, ref v13, m9, m14); G(ref v3, ref v4, ref v9, ref v14, m15, m8);
        // round 3
        G(ref v0, ref v4, ref v8, ref v12, m3, m4); G(ref v1, ref v5, ref v9, ref v13, m10, m12);
        G(ref v2, ref v6, ref v10, ref v14, m13, m2); G(ref v3, ref v7, ref v11, ref v15, m7, m14);
        G(ref v0, ref v5, ref v10, ref v15, m6, m5); G(ref v1, ref v6, ref v11, ref v12, m9, m0);
        G(ref v2, ref v7, ref v8, ref v13, m11, m15); G(ref v3, ref v4, ref v9, ref v14, m8, m1);
        // round 4
        G(ref v0, ref v4, ref v8, ref v12, m10, m7); G(ref v1, ref v5, ref v9, ref v13, m12, m9);
        G(ref v2, ref v6, ref v10, ref v14, m14, m3); G(ref v3, ref v7, ref v11, ref v15, m13, m15);
        G(ref v0, ref v5, ref v10, ref v15, m4, m0); G(ref v1, ref v6, ref v11, ref v12, m11, m2);
        G(ref v2, ref v7, ref v8, ref v13, m5, m8); G(ref v3, ref v4, ref v9, ref v14, m1, m6);
        // round 5
        G(ref v0, ref v4, ref v8, ref v12, m12, m13); G(ref v1, ref v5, ref v9, ref v13, m9, m11);
        G(ref v2, ref v6, ref v10, ref v14, m15, m10); G(ref v3, ref v7, ref v11, ref v15, m14, m8);
        G(ref v0, ref v5, ref v10, ref v15, m7, m2); G(ref v1, ref v6, ref v11, ref v12, m5, m3);
        G(ref v2, ref v7, ref v8, ref v13, m0, m1); G(ref v3, ref v4, ref v9, ref v14, m6, m4);
        // round 6
        G(ref v0, ref v4, ref v8, ref v12, m9, m14); G(ref v1, ref v5, ref v9, ref v13, m11, m5);
        G(ref v2, ref v6, ref v10, ref v14, m8, m12); G(ref v3, ref v7, ref v11, ref v15, m15, m1);
        G(ref v0, ref v5, ref v10, ref v15, m13, m3); G(ref v1, ref v6, ref v11, ref v12, m0, m10);
        G(ref v2, ref v7, ref v8, ref v13, m2, m6); G(ref v3, ref v4, ref v9, ref v14, m4, m7);
        // round 7
        G(ref v0, ref v4, ref v8, ref v12, m11, m15); G(ref v1, ref v5, ref v9, ref v13, m5, m0);
        G(ref v2, ref v6, ref v10, ref v14, m1, m9); G(ref v3, ref v7, ref v11, ref v15, m8, m6);
        G(ref v0, ref v5, ref v10, ref v15, m14, m10); G(ref v1, ref v6, ref v11, ref v12, m2, m12);
        G(ref v2, ref v7, ref v8, ref v13, m3, m4); G(ref v3, ref v4, ref v9, ref v14, m7, m13);
        cv[0] = v0 ^ v8; cv[1] = v1 ^ v9; cv[2] = v2 ^ v10; cv[3] = v3 ^ v11;
        cv[4] = v4 ^ v12; cv[5] = v5 ^ v13; cv[6] = v6 ^ v14; cv[7] = v7 ^ v15;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void G(ref uint a, ref uint b, ref uint c, ref uint d, uint x, uint y)
    {
        a = a + b + x;
        d = BitOperations.RotateRight(d ^ a, 16);
        c += d;
        b = BitOperations.RotateRight(b ^ c, 12);
        a = a + b + y;
        d = BitOperations.RotateRight(d ^ a, 8);
        c += d;
        b = BitOperations.RotateRight(b ^ c, 7);
    }
}
