using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using static Lockstep.Hashing.Blake3Compression;

namespace Lockstep.Hashing;

/// <summary>
/// The BLAKE3 compression function on 8 independent inputs at once in AVX2 registers: the path
/// for CPUs without AVX-512, and for leftover groups of 8 on CPUs with it. Message words are
/// gathered into lanes; simpler than a transpose and this path is not the hot one here.
/// </summary>
internal static unsafe class Blake3Avx2
{
    internal const int Lanes = 8;

    internal static bool IsSupported => Avx2.IsSupported;

    /// <summary>Same contract as <see cref="Blake3Avx512.HashMany"/>, for 8 inputs.</summary>
    // Not AggressiveOptimization: that attribute keeps a method out of ReadyToRun images, and
    // JIT-compiling the kernel cost every run ≈ 12 ms. A JIT build reaches optimised code through
    // on-stack replacement within the first large file.
    internal static void HashMany(byte* input, nuint stride, int blocks, ulong counter, bool incrementCounter,
        uint flags, uint flagsStart, uint flagsEnd, uint* output)
    {
        var h0 = Vector256.Create(Iv0);
        var h1 = Vector256.Create(Iv1);
        var h2 = Vector256.Create(Iv2);
        var h3 = Vector256.Create(Iv3);
        var h4 = Vector256.Create(Iv4);
        var h5 = Vector256.Create(Iv5);
        var h6 = Vector256.Create(Iv6);
        var h7 = Vector256.Create(Iv7);
        var counterLow = Vector256.Create((uint)counter);
        var counterHigh = Vector256.Create((uint)(counter >> 32));
        if (incrementCounter)
        {
            var low = counterLow + Vector256.Create(0u, 1, 2, 3, 4, 5, 6, 7);
            counterHigh -= Vector256.LessThan(low, counterLow);
            counterLow = low;
        }
        var blockLength = Vector256.Create((uint)BlockLength);
        var step = (int)(stride / 4);
        var offsets = Vector256.Create(0, step, 2 * step, 3 * step, 4 * step, 5 * step, 6 * step, 7 * step);

        for (var b = 0; b < blocks; b++)
        {
            var blockFlags = flags | (b == 0 ? flagsStart : 0) | (b == blocks - 1 ? flagsEnd : 0);
            var words = (uint*)(input + (b * BlockLength));
            var ahead = b + 4 < blocks ? (byte*)words + (4 * BlockLength) : input + (Lanes * stride) + ((b + 4 - blocks) * BlockLength);
            for (nuint lane = 0; lane < Lanes; lane++)
            {
                Sse.Prefetch0(ahead + (lane * stride));
            }
            var m0 = Avx2.GatherVector256(words + 0, offsets, 4);
            var m1 = Avx2.GatherVector256(words + 1, offsets, 4);
            var m2 = Avx2.GatherVector256(words + 2, offsets, 4);
            var m3 = Avx2.GatherVector256(words + 3, offsets, 4);
            var m4 = Avx2.GatherVector256(words + 4, offsets, 4);
            var m5 = Avx2.GatherVector256(words + 5, offsets, 4);
            var m6 = Avx2.GatherVector256(words + 6, offsets, 4);
            var m7 = Avx2.GatherVector256(words + 7, offsets, 4);
            var m8 = Avx2.GatherVector256(words + 8, offsets, 4);
            var m9 = Avx2.GatherVector256(words + 9, offsets, 4);
            var m10 = Avx2.GatherVector256(words + 10, offsets, 4);
            var m11 = Avx2.GatherVector256(words + 11, offsets, 4);
            var m12 = Avx2.GatherVector256(words + 12, offsets, 4);
            var m13 = Avx2.GatherVector256(words + 13, offsets, 4);
            var m14 = Avx2.GatherVector256(words + 14, offsets, 4);
            var m15 = Avx2.GatherVector256(words + 15, offsets, 4);

            var v0 = h0; var v1 = h1; var v2 = h2; var v3 = h3;
            var v4 = h4; var v5 = h5; var v6 = h6; var v7 = h7;
            var v8 = Vector256.Create(Iv0); var v9 = Vector256.Create(Iv1);
            var v10 = Vector256.Create(Iv2); var v11 = Vector256.Create(Iv3);
            var v12 = counterLow; var v13 = counterHigh; var v14 = blockLength;
            var v15 = Vector256.Create(blockFlags);

            // The four G functions of each half-round advance side by side (see Blake3Avx512).
            // round 1: columns, then diagonals
            v0 += m0; v1 += m2; v2 += m4; v3 += m6;
            v0 += v4; v1 += v5; v2 += v6; v3 += v7;
            v12 = Rotate(v12 ^ v0, 16); v13 = Rotate(v13 ^ v1, 16); v14 = Rotate(v14 ^ v2, 16); v15 = Rotate(v15 ^ v3, 16);
            v8 += v12; v9 += v13; v10 += v14; v11 += v15;
            v4 = Rotate(v4 ^ v8, 12); v5 = Rotate(v5 ^ v9, 12); v6 = Rotate(v6 ^ v10, 12); v7 = Rotate(v7 ^ v11, 12);
            v0 += m1; v1 += m3; v2 += m5; v3 += m7;
            v0 += v4; v1 += v5; v2 += v6; v3 += v7;
            v12 = Rotate(v12 ^ v0, 8); v13 = Rotate(v13 ^ v1, 8); v14 = Rotate(v14 ^ v2, 8); v15 = Rotate(v15 ^ v3, 8);
            v8 += v12; v9 += v13; v10 += v14; v11 += v15;
            v4 = Rotate(v4 ^ v8, 7); v5 = Rotate(v5 ^ v9, 7); v6 = Rotate(v6 ^ v10, 7); v7 = Rotate(v7 ^ v11, 7);
            v0 += m8; v1 += m10; v2 += m12; v3 += m14;
            v0 += v5; v1 += v6; v2 += v7; v3 += v4;
            v15 = Rotate(v15 ^ v0, 16); v12 = Rotate(v12 ^ v1, 16); v13 = Rotate(v13 ^ v2, 16); v14 = Rotate(v14 ^ v3, 16);
            v10 += v15; v11 += v12; v8 += v13; v9 += v14;
            v5 = Rotate(v5 ^ v10, 12); v6 = Rotate(v6 ^ v11, 12); v7 = Rotate(v7 ^ v8, 12); v4 = Rotate(v4 ^ v9, 12);
            v0 += m9; v1 += m11; v2 += m13; v3 += m15;
            v0 += v5; v1 += v6; v2 += v7; v3 += v4;
            v15 = Rotate(v15 ^ v0, 8); v12 = Rotate(v12 ^ v1, 8); v13 = Rotate(v13 ^ v2, 8); v14 = Rotate(v14 ^ v3, 8);
            v10 += v15; v11 += v12; v8 += v13; v9 += v14;
            v5 = Rotate(v5 ^ v10, 7); v6 = Rotate(v6 ^ v11, 7); v7 = Rotate(v7 ^ v8, 7); v4 = Rotate(v4 ^ v9, 7);
            // round 2: columns, then diagonals
            v0 += m2; v1 += m3; v2 += m7; v3 += m4;
            v0 += v4; v1 += v5; v2 += v6; v3 += v7;
            v12 = Rotate(v12 ^ v0, 16); v13 = Rotate(v13 ^ v1, 16); v14 = Rotate(v14 ^ v2, 16); v15 = Rotate(v15 ^ v3, 16);
            v8 += v12; v9 += v13; v10 += v14; v11 += v15;
            v4 = Rotate(v4 ^ v8, 12); v5 = Rotate(v5 ^ v9, 12); v6 = Rotate(v6 ^ v10, 12); v7 = Rotate(v7 ^ v11, 12);
            v0 += m6; v1 += m10; v2 += m0; v3 += m13;
            v0 += v4; v1 += v5; v2 += v6; v3 += v7;
            v12 = Rotate(v12 ^ v0, 8); v13 = Rotate(v13 ^ v1, 8); v14 = Rotate(v14 ^ v2, 8); v15 = Rotate(v15 ^ v3, 8);
            v8 += v12; v9 += v13; v10 += v14; v11 += v15;
            v4 = Rotate(v4 ^ v8, 7); v5 = Rotate(v5 ^ v9, 7); v6 = Rotate(v6 ^ v10, 7); v7 = Rotate(v7 ^ v11, 7);
            v0 += m1; v1 += m12; v2 += m9; v3 += m15;
            v0 += v5; v1 += v6; v2 += v7; v3 += v4;
            v15 = Rotate(v15 ^ v0, 16); v12 = Rotate(v12 ^ v1, 16); v13 = Rotate(v13 ^ v2, 16); v14 = Rotate(v14 ^ v3, 16);
            v10 += v15; v11 += v12; v8 += v13; v9 += v14;
            v5 = Rotate(v5 ^ v10, 12); v6 = Rotate(v6 ^ v11, 12); v7 = Rotate(v7 ^ v8, 12); v4 = Rotate(v4 ^ v9, 12);
            v0 += m11; v1 += m5; v2 += m14; v3 += m8;
            v0 += v5; v1 += v6; v2 += v7; v3 += v4;
            v15 = Rotate(v15 ^ v0, 8); v12 = Rotate(v12 ^ v1, 8); v13 = Rotate(v13 ^ v2, 8); v14 = Rotate(v14 ^ v3, 8);
            v10 += v15; v11 += v12; v8 += v13; v9 += v14;
            v5 = Rotate(v5 ^ v10, 7); v6 = Rotate(v6 ^ v11, 7); v7 = Rotate(v7 ^ v8, 7); v4 = Rotate(v4 ^ v9, 7);
            // round 3: columns, then diagonals
            v0 += m3; v1 += m10; v2 += m13; v3 += m7;
            v0 += v4; v1 += v5; v2 += v6; v3 += v7;
            v12 = Rotate(v12 ^ v0, 16); v13 = Rotate(v13 ^ v1, 16); v14 = Rotate(v14 ^ v2, 16); v15 = Rotate(v15 ^ v3, 16);
            v8 += v12; v9 += v13; v10 += v14; v11 += v15;
            v4 = Rotate(v4 ^ v8, 12); v5 = Rotate(v5 ^ v9, 12); v6 = Rotate(v6 ^ v10, 12); v7 = Rotate(v7 ^ v11, 12);
            v0 += m4; v1 += m12; v2 += m2; v3 += m14;
            v0 += v4; v1 += v5; v2 += v6; v3 += v7;
            v12 = Rotate(v12 ^ v0, 8); v13 = Rotate(v13 ^ v1, 8); v14 = Rotate(v14 ^ v2, 8); v15 = Rotate(v15 ^ v3, 8);
            v8 += v12; v9 += v13; v10 += v14; v11 += v15;
            v4 = Rotate(v4 ^ v8, 7); v5 = Rotate(v5 ^ v9, 7); v6 = Rotate(v6 ^ v10, 7); v7 = Rotate(v7 ^ v11, 7);
            v0 += m6; v1 += m9; v2 += m11; v3 += m8;
            v0 += v5; v1 += v6; v2 += v7; v3 += v4;
            v15 = Rotate(v15 ^ v0, 16); v12 = Rotate(v12 ^ v1, 16); v13 = Rotate(v13 ^ v2, 16); v14 = Rotate(v14 ^ v3, 16);
            v10 += v15; v11 += v12; v8 += v13; v9 += v14;
            v5 = Rotate(v5 ^ v10, 12); v6 = Rotate(v6 ^ v11, 12); v7 = Rotate(v7 ^ v8, 12); v4 = Rotate(v4 ^ v9, 12);
            v0 += m5; v1 += m0; v2 += m15; v3 += m1;
            v0 += v5; v1 += v6; v2 += v7; v3 += v4;
            v15 = Rotate(v15 ^ v0, 8); v12 = Rotate(v12 ^ v1, 8); v13 = Rotate(v13 ^ v2, 8); v14 = Rotate(v14 ^ v3, 8);
            v10 += v15; v11 += v12; v8 += v13; v9 += v14;
            v5 = Rotate(v5 ^ v10, 7); v6 = Rotate(v6 ^ v11, 7); v7 = Rotate(v7 ^ v8, 7); v4 = Rotate(v4 ^ v9, 7);
            // round 4: columns, then diagonals
            v0 += m10; v1 += m12; v2 += m14; v3 += m13;
            v0 += v4; v1 += v5; v2 += v6; v3 += v7;
            v12 = Rotate(v12 ^ v0, 16); v13 = Rotate(v13 ^ v1, 16); v14 = Rotate(v14 ^ v2, 16); v15 = Rotate(v15 ^ v3, 16);
            v8 += v12; v9 += v13; v10 += v14; v11 += v15;
            v4 = Rotate(v4 ^ v8, 12); v5 = Rotate(v5 ^ v9, 12); v6 = Rotate(v6 ^ v10, 12); v7 = Rotate(v7 ^ v11, 12);
            v0 += m7; v1 += m9; v2 += m3; v3 += m15;
            v0 += v4; v1 += v5; v2 += v6; v3 += v7;
            v12 = Rotate(v12 ^ v0, 8); v13 = Rotate(v13 ^ v1, 8); v14 = Rotate(v14 ^ v2, 8); v15 = Rotate(v15 ^ v3, 8);
            v8 += v12; v9 += v13; v10 += v14; v11 += v15;
            v4 = Rotate(v4 ^ v8, 7); v5 = Rotate(v5 ^ v9, 7); v6 = Rotate(v6 ^ v10, 7); v7 = Rotate(v7 ^ v11, 7);
            v0 += m4; v1 += m11; v2 += m5; v3 += m1;
            v0 += v5; v1 += v6; v2 += v7; v3 += v4;
            v15 = Rotate(v15 ^ v0, 16); v12 = Rotate(v12 ^ v1, 16); v13 = Rotate(v13 ^ v2, 16); v14 = Rotate(v14 ^ v3, 16);
            v10 += v15; v11 += v12; v8 += v13; v9 += v14;
            v5 = Rotate(v5 ^ v10, 12); v6 = Rotate(v6 ^ v11, 12); v7 = Rotate(v7 ^ v8, 12); v4 = Rotate(v4 ^ v9, 12);
            v0 += m0; v1 += m2; v2 += m8; v3 += m6;
            v0 += v5; v1 += v6; v2 += v7; v3 += v4;
            v15 = Rotate(v15 ^ v0, 8); v12 = Rotate(v12 ^ v1, 8); v13 = Rotate(v13 ^ v2, 8); v14 = Rotate(v14 ^ v3, 8);
            v10 += v15; v11 += v12; v8 += v13; v9 += v14;
            v5 = Rotate(v5 ^ v10, 7); v6 = Rotate(v6 ^ v11, 7); v7 = Rotate(v7 ^ v8, 7); v4 = Rotate(v4 ^ v9, 7);
            // round 5: columns, then diagonals
            v0 += m12; v1 += m9; v2 += m15; v3 += m14;
            v0 += v4; v1 += v5; v2 += v6; v3 += v7;
            v12 = Rotate(v12 ^ v0, 16); v13 = Rotate(v13 ^ v1, 16); v14 = Rotate(v14 ^ v2, 16); v15 = Rotate(v15 ^ v3, 16);
            v8 += v12; v9 += v13; v10 += v14; v11 += v15;
            v4 = Rotate(v4 ^ v8, 12); v5 = Rotate(v5 ^ v9, 12); v6 = Rotate(v6 ^ v10, 12); v7 = Rotate(v7 ^ v11, 12);
            v0 += m13; v1 += m11; v2 += m10; v3 += m8;
            v0 += v4; v1 += v5; v2 += v6; v3 += v7;
            v12 = Rotate(v12 ^ v0, 8); v13 = Rotate(v13 ^ v1, 8); v14 = Rotate(v14 ^ v2, 8); v15 = Rotate(v15 ^ v3, 8);
            v8 += v12; v9 += v13; v10 += v14; v11 += v15;
            v4 = Rotate(v4 ^ v8, 7); v5 = Rotate(v5 ^ v9, 7); v6 = Rotate(v6 ^ v10, 7); v7 = Rotate(v7 ^ v11, 7);
            v0 += m7; v1 += m5; v2 += m0; v3 += m6;
            v0 += v5; v1 += v6; v2 += v7; v3 += v4;
            v15 = Rotate(v15 ^ v0, 16); v12 = Rotate(v12 ^ v1, 16); v13 = Rotate(v13 ^ v2, 16); v14 = Rotate(v14 ^ v3, 16);
            v10 += v15; v11 += v12; v8 += v13; v9 += v14;
            v5 = Rotate(v5 ^ v10, 12); v6 = Rotate(v6 ^ v11, 12); v7 = Rotate(v7 ^ v8, 12); v4 = Rotate(v4 ^ v9, 12);
            v0 += m2; v1 += m3; v2 += m1; v3 += m4;
            v0 += v5; v1 += v6; v2 += v7; v3 += v4;
            v15 = Rotate(v15 ^ v0, 8); v12 = Rotate(v12 ^ v1, 8); v13 = Rotate(v13 ^ v2, 8); v14 = Rotate(v14 ^ v3, 8);
            v10 += v15; v11 += v12; v8 += v13; v9 += v14;
            v5 = Rotate(v5 ^ v10, 7); v6 = Rotate(v6 ^ v11, 7); v7 = Rotate(v7 ^ v8, 7); v4 = Rotate(v4 ^ v9, 7);
            // round 6: columns, then diagonals
            v0 += m9; v1 += m11; v2 += m8; v3 += m15;
            v0 += v4; v1 += v5; v2 += v6; v3 += v7;
            v12 = Rotate(v12 ^ v0, 16); v13 = Rotate(v13 ^ v1, 16); v14 = Rotate(v14 ^ v2, 16); v15 = Rotate(v15 ^ v3, 16);
            v8 += v12; v9 += v13; v10 += v14; v11 += v15;
            v4 = Rotate(v4 ^ v8, 12); v5 = Rotate(v5 ^ v9, 12); v6 = Rotate(v6 ^ v10, 12); v7 = Rotate(v7 ^ v11, 12);
            v0 += m14; v1 += m5; v2 += m12; v3 += m1;
            v0 += v4; v1 += v5; v2 += v6; v3 += v7;
            v12 = Rotate(v12 ^ v0, 8); v13 = Rotate(v13 ^ v1, 8); v14 = Rotate(v14 ^ v2, 8); v15 = Rotate(v15 ^ v3, 8);
            v8 += v12; v9 += v13; v10 += v14; v11 += v15;
            v4 = Rotate(v4 ^ v8, 7); v5 = Rotate(v5 ^ v9, 7); v6 = Rotate(v6 ^ v10, 7); v7 = Rotate(v7 ^ v11, 7);
            v0 += m13; v1 += m0; v2 += m2; v3 += m4;
            v0 += v5; v1 += v6; v2 += v7; v3 += v4;
            v15 = Rotate(v15 ^ v0, 16); v12 = Rotate(v12 ^ v1, 16); v13 = Rotate(v13 ^ v2, 16); v14 = Rotate(v14 ^ v3, 16);
            v10 += v15; v11 += v12; v8 += v13; v9 += v14;
            v5 = Rotate(v5 ^ v10, 12); v6 = Rotate(v6 ^ v11, 12); v7 = Rotate(v7 ^ v8, 12); v4 = Rotate(v4 ^ v9, 12);
            v0 += m3; v1 += m10; v2 += m6; v3 += m7;
            v0 += v5; v1 += v6; v2 += v7; v3 += v4;
            v15 = Rotate(v15 ^ v0, 8); v12 = Rotate(v12 ^ v1, 8); v13 = Rotate(v13 ^ v2, 8); v14 = Rotate(v14 ^ v3, 8);
            v10 += v15; v11 += v12; v8 += v13; v9 += v14;
            v5 = Rotate(v5 ^ v10, 7); v6 = Rotate(v6 ^ v11, 7); v7 = Rotate(v7 ^ v8, 7); v4 = Rotate(v4 ^ v9, 7);
            // round 7: columns, then diagonals
            v0 += m11; v1 += m5; v2 += m1; v3 += m8;
            v0 += v4; v1 += v5; v2 += v6; v3 += v7;
            v12 = Rotate(v12 ^ v0, 16); v13 = Rotate(v13 ^ v1, 16); v14 = Rotate(v14 ^ v2, 16); v15 = Rotate(v15 ^ v3, 16);
            v8 += v12; v9 += v13; v10 += v14; v11 += v15;
            v4 = Rotate(v4 ^ v8, 12); v5 = Rotate(v5 ^ v9, 12); v6 = Rotate(v6 ^ v10, 12); v7 = Rotate(v7 ^ v11, 12);
            v0 += m15; v1 += m0; v2 += m9; v3 += m6;
            v0 += v4; v1 += v5; v2 += v6; v3 += v7;
            v12 = Rotate(v12 ^ v0, 8); v13 = Rotate(v13 ^ v1, 8); v14 = Rotate(v14 ^ v2, 8); v15 = Rotate(v15 ^ v3, 8);
            v8 += v12; v9 += v13; v10 += v14; v11 += v15;
            v4 = Rotate(v4 ^ v8, 7); v5 = Rotate(v5 ^ v9, 7); v6 = Rotate(v6 ^ v10, 7); v7 = Rotate(v7 ^ v11, 7);
            v0 += m14; v1 += m2; v2 += m3; v3 += m7;
            v0 += v5; v1 += v6; v2 += v7; v3 += v4;
            v15 = Rotate(v15 ^ v0, 16); v12 = Rotate(v12 ^ v1, 16); v13 = Rotate(v13 ^ v2, 16); v14 = Rotate(v14 ^ v3, 16);
            v10 += v15; v11 += v12; v8 += v13; v9 += v14;
            v5 = Rotate(v5 ^ v10, 12); v6 = Rotate(v6 ^ v11, 12); v7 = Rotate(v7 ^ v8, 12); v4 = Rotate(v4 ^ v9, 12);
            v0 += m10; v1 += m12; v2 += m4; v3 += m13;
            v0 += v5; v1 += v6; v2 += v7; v3 += v4;
            v15 = Rotate(v15 ^ v0, 8); v12 = Rotate(v12 ^ v1, 8); v13 = Rotate(v13 ^ v2, 8); v14 = Rotate(v14 ^ v3, 8);
            v10 += v15; v11 += v12; v8 += v13; v9 += v14;
            v5 = Rotate(v5 ^ v10, 7); v6 = Rotate(v6 ^ v11, 7); v7 = Rotate(v7 ^ v8, 7); v4 = Rotate(v4 ^ v9, 7);

            h0 = v0 ^ v8; h1 = v1 ^ v9; h2 = v2 ^ v10; h3 = v3 ^ v11;
            h4 = v4 ^ v12; h5 = v5 ^ v13; h6 = v6 ^ v14; h7 = v7 ^ v15;
        }

        var cvWords = stackalloc uint[8 * Lanes];
        h0.Store(cvWords); h1.Store(cvWords + 8); h2.Store(cvWords + 16); h3.Store(cvWords + 24);
        h4.Store(cvWords + 32); h5.Store(cvWords + 40); h6.Store(cvWords + 48); h7.Store(cvWords + 56);
        for (var lane = 0; lane < Lanes; lane++)
        {
            for (var w = 0; w < 8; w++)
            {
                output[(lane * 8) + w] = cvWords[(w * Lanes) + lane];
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<uint> Rotate(Vector256<uint> value, [ConstantExpected] byte count) =>
        Avx512F.VL.IsSupported
            ? Avx512F.VL.RotateRight(value, count)
            : Vector256.ShiftRightLogical(value, count) | Vector256.ShiftLeft(value, 32 - count);
}
