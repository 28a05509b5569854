using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using static Lockstep.Hashing.Blake3Compression;

namespace Lockstep.Hashing;

/// <summary>
/// The BLAKE3 compression function on 16 independent inputs at once, one per 32-bit lane of
/// AVX-512 registers: 16 whole chunks (1 KiB each) or 16 parent nodes per call. This is where
/// nearly all the time of hashing a large file goes; the message words of the 16 inputs are
/// transposed into lanes with in-lane unpacks and 128-bit shuffles (cheaper here than two-source
/// permutes: 0.173 vs 0.184 CPU-s per GiB) rather than gathers, which are slow on AMD.
/// </summary>
internal static unsafe class Blake3Avx512
{
    internal const int Lanes = 16;

    internal static bool IsSupported => Avx512F.IsSupported;

    /// <summary>
    /// Hashes 16 inputs of <paramref name="blocks"/> 64-byte blocks each; input i starts at
    /// <paramref name="input"/> + i * <paramref name="stride"/>. Lane i uses counter
    /// <paramref name="counter"/> (+ i when <paramref name="incrementCounter"/>), and writes its
    /// 8-word chaining value to <paramref name="output"/> + 8 * i.
    /// </summary>
    // Not AggressiveOptimization: that attribute keeps a method out of ReadyToRun images, and
    // JIT-compiling the kernel cost every run ≈ 12 ms. A JIT build reaches optimised code through
    // on-stack replacement within the first large file.
    internal static void HashMany(byte* input, nuint stride, int blocks, ulong counter, bool incrementCounter,
        uint flags, uint flagsStart, uint flagsEnd, uint* output)
    {
        var h0 = Vector512.Create(Iv0);
        var h1 = Vector512.Create(Iv1);
        var h2 = Vector512.Create(Iv2);
        var h3 = Vector512.Create(Iv3);
        var h4 = Vector512.Create(Iv4);
        var h5 = Vector512.Create(Iv5);
        var h6 = Vector512.Create(Iv6);
        var h7 = Vector512.Create(Iv7);
        var counterLow = Vector512.Create((uint)counter);
        var counterHigh = Vector512.Create((uint)(counter >> 32));
        if (incrementCounter)
        {
            var low = counterLow + Vector512.Create(0u, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
            // A lane whose low word wrapped carries one into the high word (the mask is all ones = -1).
            counterHigh -= Vector512.LessThan(low, counterLow);
            counterLow = low;
        }
        var blockLength = Vector512.Create((uint)BlockLength);

        for (var b = 0; b < blocks; b++)
        {
            var blockFlags = flags | (b == 0 ? flagsStart : 0) | (b == blocks - 1 ? flagsEnd : 0);
            var blockStart = input + (b * BlockLength);
            // Sixteen input streams are more than the hardware prefetchers follow; ask for the
            // block four ahead in each (as the reference C implementation does), and near the end
            // of the chunks for the first blocks of the next 16 (prefetches never fault).
            var ahead = b + 4 < blocks ? blockStart + (4 * BlockLength) : input + (Lanes * stride) + ((b + 4 - blocks) * BlockLength);
            for (nuint lane = 0; lane < Lanes; lane++)
            {
                Sse.Prefetch0(ahead + (lane * stride));
            }
            var r0 = Vector512.Load((uint*)(blockStart + (0 * stride)));
            var r1 = Vector512.Load((uint*)(blockStart + (1 * stride)));
            var r2 = Vector512.Load((uint*)(blockStart + (2 * stride)));
            var r3 = Vector512.Load((uint*)(blockStart + (3 * stride)));
            var r4 = Vector512.Load((uint*)(blockStart + (4 * stride)));
            var r5 = Vector512.Load((uint*)(blockStart + (5 * stride)));
            var r6 = Vector512.Load((uint*)(blockStart + (6 * stride)));
            var r7 = Vector512.Load((uint*)(blockStart + (7 * stride)));
            var r8 = Vector512.Load((uint*)(blockStart + (8 * stride)));
            var r9 = Vector512.Load((uint*)(blockStart + (9 * stride)));
            var r10 = Vector512.Load((uint*)(blockStart + (10 * stride)));
            var r11 = Vector512.Load((uint*)(blockStart + (11 * stride)));
            var r12 = Vector512.Load((uint*)(blockStart + (12 * stride)));
            var r13 = Vector512.Load((uint*)(blockStart + (13 * stride)));
            var r14 = Vector512.Load((uint*)(blockStart + (14 * stride)));
            var r15 = Vector512.Load((uint*)(blockStart + (15 * stride)));

            // 16x16 transpose as the reference C code does it: 32-bit and 64-bit interleaves within
            // 128-bit lanes, then two rounds of 128-bit lane shuffles; afterwards r<j> holds word j of every input.
            var ab0 = Avx512F.UnpackLow(r0, r1); var ab2 = Avx512F.UnpackHigh(r0, r1);
            var cd0 = Avx512F.UnpackLow(r2, r3); var cd2 = Avx512F.UnpackHigh(r2, r3);
            var ef0 = Avx512F.UnpackLow(r4, r5); var ef2 = Avx512F.UnpackHigh(r4, r5);
            var gh0 = Avx512F.UnpackLow(r6, r7); var gh2 = Avx512F.UnpackHigh(r6, r7);
            var ij0 = Avx512F.UnpackLow(r8, r9); var ij2 = Avx512F.UnpackHigh(r8, r9);
            var kl0 = Avx512F.UnpackLow(r10, r11); var kl2 = Avx512F.UnpackHigh(r10, r11);
            var mn0 = Avx512F.UnpackLow(r12, r13); var mn2 = Avx512F.UnpackHigh(r12, r13);
            var op0 = Avx512F.UnpackLow(r14, r15); var op2 = Avx512F.UnpackHigh(r14, r15);
            var abcd0 = Avx512F.UnpackLow(ab0.AsUInt64(), cd0.AsUInt64()).AsUInt32(); var abcd1 = Avx512F.UnpackHigh(ab0.AsUInt64(), cd0.AsUInt64()).AsUInt32();
            var abcd2 = Avx512F.UnpackLow(ab2.AsUInt64(), cd2.AsUInt64()).AsUInt32(); var abcd3 = Avx512F.UnpackHigh(ab2.AsUInt64(), cd2.AsUInt64()).AsUInt32();
            var efgh0 = Avx512F.UnpackLow(ef0.AsUInt64(), gh0.AsUInt64()).AsUInt32(); var efgh1 = Avx512F.UnpackHigh(ef0.AsUInt64(), gh0.AsUInt64()).AsUInt32();
            var efgh2 = Avx512F.UnpackLow(ef2.AsUInt64(), gh2.AsUInt64()).AsUInt32(); var efgh3 = Avx512F.UnpackHigh(ef2.AsUInt64(), gh2.AsUInt64()).AsUInt32();
            var ijkl0 = Avx512F.UnpackLow(ij0.AsUInt64(), kl0.AsUInt64()).AsUInt32(); var ijkl1 = Avx512F.UnpackHigh(ij0.AsUInt64(), kl0.AsUInt64()).AsUInt32();
            var ijkl2 = Avx512F.UnpackLow(ij2.AsUInt64(), kl2.AsUInt64()).AsUInt32(); var ijkl3 = Avx512F.UnpackHigh(ij2.AsUInt64(), kl2.AsUInt64()).AsUInt32();
            var mnop0 = Avx512F.UnpackLow(mn0.AsUInt64(), op0.AsUInt64()).AsUInt32(); var mnop1 = Avx512F.UnpackHigh(mn0.AsUInt64(), op0.AsUInt64()).AsUInt32();
            var mnop2 = Avx512F.UnpackLow(mn2.AsUInt64(), op2.AsUInt64()).AsUInt32(); var mnop3 = Avx512F.UnpackHigh(mn2.AsUInt64(), op2.AsUInt64()).AsUInt32();
            var abcdefgh0 = Avx512F.Shuffle4x128(abcd0, efgh0, 0x88); var abcdefgh4 = Avx512F.Shuffle4x128(abcd0, efgh0, 0xDD);
            var abcdefgh1 = Avx512F.Shuffle4x128(abcd1, efgh1, 0x88); var abcdefgh5 = Avx512F.Shuffle4x128(abcd1, efgh1, 0xDD);
            var abcdefgh2 = Avx512F.Shuffle4x128(abcd2, efgh2, 0x88); var abcdefgh6 = Avx512F.Shuffle4x128(abcd2, efgh2, 0xDD);
            var abcdefgh3 = Avx512F.Shuffle4x128(abcd3, efgh3, 0x88); var abcdefgh7 = Avx512F.Shuffle4x128(abcd3, efgh3, 0xDD);
            var ijklmnop0 = Avx512F.Shuffle4x128(ijkl0, mnop0, 0x88); var ijklmnop4 = Avx512F.Shuffle4x128(ijkl0, mnop0, 0xDD);
            var ijklmnop1 = Avx512F.Shuffle4x128(ijkl1, mnop1, 0x88); var ijklmnop5 = Avx512F.Shuffle4x128(ijkl1, mnop1, 0xDD);
            var ijklmnop2 = Avx512F.Shuffle4x128(ijkl2, mnop2, 0x88); var ijklmnop6 = Avx512F.Shuffle4x128(ijkl2, mnop2, 0xDD);
            var ijklmnop3 = Avx512F.Shuffle4x128(ijkl3, mnop3, 0x88); var ijklmnop7 = Avx512F.Shuffle4x128(ijkl3, mnop3, 0xDD);
            r0 = Avx512F.Shuffle4x128(abcdefgh0, ijklmnop0, 0x88); r8 = Avx512F.Shuffle4x128(abcdefgh0, ijklmnop0, 0xDD);
            r1 = Avx512F.Shuffle4x128(abcdefgh1, ijklmnop1, 0x88); r9 = Avx512F.Shuffle4x128(abcdefgh1, ijklmnop1, 0xDD);
            r2 = Avx512F.Shuffle4x128(abcdefgh2, ijklmnop2, 0x88); r10 = Avx512F.Shuffle4x128(abcdefgh2, ijklmnop2, 0xDD);
            r3 = Avx512F.Shuffle4x128(abcdefgh3, ijklmnop3, 0x88); r11 = Avx512F.Shuffle4x128(abcdefgh3, ijklmnop3, 0xDD);
            r4 = Avx512F.Shuffle4x128(abcdefgh4, ijklmnop4, 0x88); r12 = Avx512F.Shuffle4x128(abcdefgh4, ijklmnop4, 0xDD);
            r5 = Avx512F.Shuffle4x128(abcdefgh5, ijklmnop5, 0x88); r13 = Avx512F.Shuffle4x128(abcdefgh5, ijklmnop5, 0xDD);
            r6 = Avx512F.Shuffle4x128(abcdefgh6, ijklmnop6, 0x88); r14 = Avx512F.Shuffle4x128(abcdefgh6, ijklmnop6, 0xDD);
            r7 = Avx512F.Shuffle4x128(abcdefgh7, ijklmnop7, 0x88); r15 = Avx512F.Shuffle4x128(abcdefgh7, ijklmnop7, 0xDD);

            var v0 = h0; var v1 = h1; var v2 = h2; var v3 = h3;
            var v4 = h4; var v5 = h5; var v6 = h6; var v7 = h7;
            var v8 = Vector512.Create(Iv0); var v9 = Vector512.Create(Iv1);
            var v10 = Vector512.Create(Iv2); var v11 = Vector512.Create(Iv3);
            var v12 = counterLow; var v13 = counterHigh; var v14 = blockLength;
            var v15 = Vector512.Create(blockFlags);
            var m0 = r0; var m1 = r1; var m2 = r2; var m3 = r3; var m4 = r4; var m5 = r5; var m6 = r6; var m7 = r7;
            var m8 = r8; var m9 = r9; var m10 = r10; var m11 = r11; var m12 = r12; var m13 = r13; var m14 = r14; var m15 = r15;

            // The four G functions of each half-round advance step by step side by side, as in the
            // reference C code: the JIT emits statements in order, and four independent operations in
            // a row keep the vector pipes busy where one G after another is a chain of dependent ones
            // (≈ 12% less CPU time per GiB here than calling G four times).
            // round 1: columns, then diagonals
            v0 += m0; v1 += m2; v2 += m4; v3 += m6;
            v0 += v4; v1 += v5; v2 += v6; v3 += v7;
            v12 = Ror(v12 ^ v0, 16); v13 = Ror(v13 ^ v1, 16); v14 = Ror(v14 ^ v2, 16); v15 = Ror(v15 ^ v3, 16);
            v8 += v12; v9 += v13; v10 += v14; v11 += v15;
            v4 = Ror(v4 ^ v8, 12); v5 = Ror(v5 ^ v9, 12); v6 = Ror(v6 ^ v10, 12); v7 = Ror(v7 ^ v11, 12);
            v0 += m1; v1 += m3; v2 += m5; v3 += m7;
            v0 += v4; v1 += v5; v2 += v6; v3 += v7;
            v12 = Ror(v12 ^ v0, 8); v13 = Ror(v13 ^ v1, 8); v14 = Ror(v14 ^ v2, 8); v15 = Ror(v15 ^ v3, 8);
            v8 += v12; v9 += v13; v10 += v14; v11 += v15;
            v4 = Ror(v4 ^ v8, 7); v5 = Ror(v5 ^ v9, 7); v6 = Ror(v6 ^ v10, 7); v7 = Ror(v7 ^ v11, 7);
            v0 += m8; v1 += m10; v2 += m12; v3 += m14;
            v0 += v5; v1 += v6; v2 += v7; v3 += v4;
            v15 = Ror(v15 ^ v0, 16); v12 = Ror(v12 ^ v1, 16); v13 = Ror(v13 ^ v2, 16); v14 = Ror(v14 ^ v3, 16);
            v10 += v15; v11 += v12; v8 += v13; v9 += v14;
            v5 = Ror(v5 ^ v10, 12); v6 = Ror(v6 ^ v11, 12); v7 = Ror(v7 ^ v8, 12); v4 = Ror(v4 ^ v9, 12);
            v0 += m9; v1 += m11; v2 += m13; v3 += m15;
            v0 += v5; v1 += v6; v2 += v7; v3 += v4;
            v15 = Ror(v15 ^ v0, 8); v12 = Ror(v12 ^ v1, 8); v13 = Ror(v13 ^ v2, 8); v14 = Ror(v14 ^ v3, 8);
            v10 += v15; v11 += v12; v8 += v13; v9 += v14;
            v5 = Ror(v5 ^ v10, 7); v6 = Ror(v6 ^ v11, 7); v7 = Ror(v7 ^ v8, 7); v4 = Ror(v4 ^ v9, 7);
            // round 2: columns, then diagonals
            v0 += m2; v1 += m3; v2 += m7; v3 += m4;
            v0 += v4; v1 += v5; v2 += v6; v3 += v7;
            v12 = Ror(v12 ^ v0, 16); v13 = Ror(v13 ^ v1, 16); v14 = Ror(v14 ^ v2, 16); v15 = Ror(v15 ^ v3, 16);
            v8 += v12; v9 += v13; v10 += v14; v11 += v15;
            v4 = Ror(v4 ^ v8, 12); v5 = Ror(v5 ^ v9, 12); v6 = Ror(v6 ^ v10, 12); v7 = Ror(v7 ^ v11, 12);
            v0 += m6; v1 += m10; v2 += m0; v3 += m13;
            v0 += v4; v1 += v5; v2 += v6; v3 += v7;
            v12 = Ror(v12 ^ v0, 8); v13 = Ror(v13 ^ v1, 8); v14 = Ror(v14 ^ v2, 8); v15 = Ror(v15 ^ v3, 8);
            v8 += v12; v9 += v13; v10 += v14; v11 += v15;
            v4 = Ror(v4 ^ v8, 7); v5 = Ror(v5 ^ v9, 7); v6 = Ror(v6 ^ v10, 7); v7 = Ror(v7 ^ v11, 7);
            v0 += m1; v1 += m12; v2 += m9; v3 += m15;
            v0 += v5; v1 += v6; v2 += v7; v3 += v4;
            v15 = Ror(v15 ^ v0, 16); v12 = Ror(v12 ^ v1, 16); v13 = Ror(v13 ^ v2, 16); v14 = Ror(v14 ^ v3, 16);
            v10 += v15; v11 += v12; v8 += v13; v9 += v14;
            v5 = Ror(v5 ^ v10, 12); v6 = Ror(v6 ^ v11, 12); v7 = Ror(v7 ^ v8, 12); v4 = Ror(v4 ^ v9, 12);
            v0 += m11; v1 += m5; v2 += m14; v3 += m8;
            v0 += v5; v1 += v6; v2 += v7; v3 += v4;
            v15 = Ror(v15 ^ v0, 8); v12 = Ror(v12 ^ v1, 8); v13 = Ror(v13 ^ v2, 8); v14 = Ror(v14 ^ v3, 8);
            v10 += v15; v11 += v12; v8 += v13; v9 += v14;
            v5 = Ror(v5 ^ v10, 7); v6 = Ror(v6 ^ v11, 7); v7 = Ror(v7 ^ v8, 7); v4 = Ror(v4 ^ v9, 7);
            // round 3: columns, then diagonals
            v0 += m3; v1 += m10; v2 += m13; v3 += m7;
            v0 += v4; v1 += v5; v2 += v6; v3 += v7;
            v12 = Ror(v12 ^ v0, 16); v13 = Ror(v13 ^ v1, 16); v14 = Ror(v14 ^ v2, 16); v15 = Ror(v15 ^ v3, 16);
            v8 += v12; v9 += v13; v10 += v14; v11 += v15;
            v4 = Ror(v4 ^ v8, 12); v5 = Ror(v5 ^ v9, 12); v6 = Ror(v6 ^ v10, 12); v7 = Ror(v7 ^ v11, 12);
            v0 += m4; v1 += m12; v2 += m2; v3 += m14;
            v0 += v4; v1 += v5; v2 += v6; v3 += v7;
            v12 = Ror(v12 ^ v0, 8); v13 = Ror(v13 ^ v1, 8); v14 = Ror(v14 ^ v2, 8); v15 = Ror(v15 ^ v3, 8);
            v8 += v12; v9 += v13; v10 += v14; v11 += v15;
            v4 = Ror(v4 ^ v8, 7); v5 = Ror(v5 ^ v9, 7); v6 = Ror(v6 ^ v10, 7); v7 = Ror(v7 ^ v11, 7);
            v0 += m6; v1 += m9; v2 += m11; v3 += m8;
            v0 += v5; v1 += v6; v2 += v7; v3 += v4;
            v15 = Ror(v15 ^ v0, 16); v12 = Ror(v12 ^ v1, 16); v13 = Ror(v13 ^ v2, 16); v14 = Ror(v14 ^ v3, 16);
            v10 += v15; v11 += v12; v8 += v13; v9 += v14;
            v5 = Ror(v5 ^ v10, 12); v6 = Ror(v6 ^ v11, 12); v7 = Ror(v7 ^ v8, 12); v4 = Ror(v4 ^ v9, 12);
            v0 += m5; v1 += m0; v2 += m15; v3 += m1;
            v0 += v5; v1 += v6; v2 += v7; v3 += v4;
            v15 = Ror(v15 ^ v0, 8); v12 = Ror(v12 ^ v1, 8); v13 = Ror(v13 ^ v2, 8); v14 = Ror(v14 ^ v3, 8);
            v10 += v15; v11 += v12; v8 += v13; v9 += v14;
            v5 = Ror(v5 ^ v10, 7); v6 = Ror(v6 ^ v11, 7); v7 = Ror(v7 ^ v8, 7); v4 = Ror(v4 ^ v9, 7);
            // round 4: columns, then diagonals
            v0 += m10; v1 += m12; v2 += m14; v3 += m13;
            v0 += v4; v1 += v5; v2 += v6; v3 += v7;
            v12 = Ror(v12 ^ v0, 16); v13 = Ror(v13 ^ v1, 16); v14 = Ror(v14 ^ v2, 16); v15 = Ror(v15 ^ v3, 16);
            v8 += v12; v9 += v13; v10 += v14; v11 += v15;
            v4 = Ror(v4 ^ v8, 12); v5 = Ror(v5 ^ v9, 12); v6 = Ror(v6 ^ v10, 12); v7 = Ror(v7 ^ v11, 12);
            v0 += m7; v1 += m9; v2 += m3; v3 += m15;
            v0 += v4; v1 += v5; v2 += v6; v3 += v7;
            v12 = Ror(v12 ^ v0, 8); v13 = Ror(v13 ^ v1, 8); v14 = Ror(v14 ^ v2, 8); v15 = Ror(v15 ^ v3, 8);
            v8 += v12; v9 += v13; v10 += v14; v11 += v15;
            v4 = Ror(v4 ^ v8, 7); v5 = Ror(v5 ^ v9, 7); v6 = Ror(v6 ^ v10, 7); v7 = Ror(v7 ^ v11, 7);
            v0 += m4; v1 += m11; v2 += m5; v3 += m1;
            v0 += v5; v1 += v6; v2 += v7; v3 += v4;
            v15 = Ror(v15 ^ v0, 16); v12 = Ror(v12 ^ v1, 16); v13 = Ror(v13 ^ v2, 16); v14 = Ror(v14 ^ v3, 16);
            v10 += v15; v11 += v12; v8 += v13; v9 += v14;
            v5 = Ror(v5 ^ v10, 12); v6 = Ror(v6 ^ v11, 12); v7 = Ror(v7 ^ v8, 12); v4 = Ror(v4 ^ v9, 12);
            v0 += m0; v1 += m2; v2 += m8; v3 += m6;
            v0 += v5; v1 += v6; v2 += v7; v3 += v4;
            v15 = Ror(v15 ^ v0, 8); v12 = Ror(v12 ^ v1, 8); v13 = Ror(v13 ^ v2, 8); v14 = Ror(v14 ^ v3, 8);
            v10 += v15; v11 += v12; v8 += v13; v9 += v14;
            v5 = Ror(v5 ^ v10, 7); v6 = Ror(v6 ^ v11, 7); v7 = Ror(v7 ^ v8, 7); v4 = Ror(v4 ^ v9, 7);
            // round 5: columns, then diagonals
            v0 += m12; v1 += m9; v2 += m15; v3 += m14;
            v0 += v4; v1 += v5; v2 += v6; v3 += v7;
            v12 = Ror(v12 ^ v0, 16); v13 = Ror(v13 ^ v1, 16); v14 = Ror(v14 ^ v2, 16); v15 = Ror(v15 ^ v3, 16);
            v8 += v12; v9 += v13; v10 += v14; v11 += v15;
            v4 = Ror(v4 ^ v8, 12); v5 = Ror(v5 ^ v9, 12); v6 = Ror(v6 ^ v10, 12); v7 = Ror(v7 ^ v11, 12);
            v0 += m13; v1 += m11; v2 += m10; v3 += m8;
            v0 += v4; v1 += v5; v2 += v6; v3 += v7;
            v12 = Ror(v12 ^ v0, 8); v13 = Ror(v13 ^ v1, 8); v14 = Ror(v14 ^ v2, 8); v15 = Ror(v15 ^ v3, 8);
            v8 += v12; v9 += v13; v10 += v14; v11 += v15;
            v4 = Ror(v4 ^ v8, 7); v5 = Ror(v5 ^ v9, 7); v6 = Ror(v6 ^ v10, 7); v7 = Ror(v7 ^ v11, 7);
            v0 += m7; v1 += m5; v2 += m0; v3 += m6;
            v0 += v5; v1 += v6; v2 += v7; v3 += v4;
            v15 = Ror(v15 ^ v0, 16); v12 = Ror(v12 ^ v1, 16); v13 = Ror(v13 ^ v2, 16); v14 = Ror(v14 ^ v3, 16);
            v10 += v15; v11 += v12; v8 += v13; v9 += v14;
            v5 = Ror(v5 ^ v10, 12); v6 = Ror(v6 ^ v11, 12); v7 = Ror(v7 ^ v8, 12); v4 = Ror(v4 ^ v9, 12);
            v0 += m2; v1 += m3; v2 += m1; v3 += m4;
            v0 += v5; v1 += v6; v2 += v7; v3 += v4;
            v15 = Ror(v15 ^ v0, 8); v12 = Ror(v12 ^ v1, 8); v13 = Ror(v13 ^ v2, 8); v14 = Ror(v14 ^ v3, 8);
            v10 += v15; v11 += v12; v8 += v13; v9 += v14;
            v5 = Ror(v5 ^ v10, 7); v6 = Ror(v6 ^ v11, 7); v7 = Ror(v7 ^ v8, 7); v4 = Ror(v4 ^ v9, 7);
            // round 6: columns, then diagonals
            v0 += m9; v1 += m11; v2 += m8; v3 += m15;
            v0 += v4; v1 += v5; v2 += v6; v3 += v7;
            v12 = Ror(v12 ^ v0, 16); v13 = Ror(v13 ^ v1, 16); v14 = Ror(v14 ^ v2, 16); v15 = Ror(v15 ^ v3, 16);
            v8 += v12; v9 += v13; v10 += v14; v11 += v15;
            v4 = Ror(v4 ^ v8, 12); v5 = Ror(v5 ^ v9, 12); v6 = Ror(v6 ^ v10, 12); v7 = Ror(v7 ^ v11, 12);
            v0 += m14; v1 += m5; v2 += m12; v3 += m1;
            v0 += v4; v1 += v5; v2 += v6; v3 += v7;
            v12 = Ror(v12 ^ v0, 8); v13 = Ror(v13 ^ v1, 8); v14 = Ror(v14 ^ v2, 8); v15 = Ror(v15 ^ v3, 8);
            v8 += v12; v9 += v13; v10 += v14; v11 += v15;
            v4 = Ror(v4 ^ v8, 7); v5 = Ror(v5 ^ v9, 7); v6 = Ror(v6 ^ v10, 7); v7 = Ror(v7 ^ v11, 7);
            v0 += m13; v1 += m0; v2 += m2; v3 += m4;
            v0 += v5; v1 += v6; v2 += v7; v3 += v4;
            v15 = Ror(v15 ^ v0, 16); v12 = Ror(v12 ^ v1, 16); v13 = Ror(v13 ^ v2, 16); v14 = Ror(v14 ^ v3, 16);
            v10 += v15; v11 += v12; v8 += v13; v9 += v14;
            v5 = Ror(v5 ^ v10, 12); v6 = Ror(v6 ^ v11, 12); v7 = Ror(v7 ^ v8, 12); v4 = Ror(v4 ^ v9, 12);
            v0 += m3; v1 += m10; v2 += m6; v3 += m7;
            v0 += v5; v1 += v6; v2 += v7; v3 += v4;
            v15 = Ror(v15 ^ v0, 8); v12 = Ror(v12 ^ v1, 8); v13 = Ror(v13 ^ v2, 8); v14 = Ror(v14 ^ v3, 8);
            v10 += v15; v11 += v12; v8 += v13; v9 += v14;
            v5 = Ror(v5 ^ v10, 7); v6 = Ror(v6 ^ v11, 7); v7 = Ror(v7 ^ v8, 7); v4 = Ror(v4 ^ v9, 7);
            // round 7: columns, then diagonals
            v0 += m11; v1 += m5; v2 += m1; v3 += m8;
            v0 += v4; v1 += v5; v2 += v6; v3 += v7;
            v12 = Ror(v12 ^ v0, 16); v13 = Ror(v13 ^ v1, 16); v14 = Ror(v14 ^ v2, 16); v15 = Ror(v15 ^ v3, 16);
            v8 += v12; v9 += v13; v10 += v14; v11 += v15;
            v4 = Ror(v4 ^ v8, 12); v5 = Ror(v5 ^ v9, 12); v6 = Ror(v6 ^ v10, 12); v7 = Ror(v7 ^ v11, 12);
            v0 += m15; v1 += m0; v2 += m9; v3 += m6;
            v0 += v4; v1 += v5; v2 += v6; v3 += v7;
            v12 = Ror(v12 ^ v0, 8); v13 = Ror(v13 ^ v1, 8); v14 = Ror(v14 ^ v2, 8); v15 = Ror(v15 ^ v3, 8);
            v8 += v12; v9 += v13; v10 += v14; v11 += v15;
            v4 = Ror(v4 ^ v8, 7); v5 = Ror(v5 ^ v9, 7); v6 = Ror(v6 ^ v10, 7); v7 = Ror(v7 ^ v11, 7);
            v0 += m14; v1 += m2; v2 += m3; v3 += m7;
            v0 += v5; v1 += v6; v2 += v7; v3 += v4;
            v15 = Ror(v15 ^ v0, 16); v12 = Ror(v12 ^ v1, 16); v13 = Ror(v13 ^ v2, 16); v14 = Ror(v14 ^ v3, 16);
            v10 += v15; v11 += v12; v8 += v13; v9 += v14;
            v5 = Ror(v5 ^ v10, 12); v6 = Ror(v6 ^ v11, 12); v7 = Ror(v7 ^ v8, 12); v4 = Ror(v4 ^ v9, 12);
            v0 += m10; v1 += m12; v2 += m4; v3 += m13;
            v0 += v5; v1 += v6; v2 += v7; v3 += v4;
            v15 = Ror(v15 ^ v0, 8); v12 = Ror(v12 ^ v1, 8); v13 = Ror(v13 ^ v2, 8); v14 = Ror(v14 ^ v3, 8);
            v10 += v15; v11 += v12; v8 += v13; v9 += v14;
            v5 = Ror(v5 ^ v10, 7); v6 = Ror(v6 ^ v11, 7); v7 = Ror(v7 ^ v8, 7); v4 = Ror(v4 ^ v9, 7);

            h0 = v0 ^ v8; h1 = v1 ^ v9; h2 = v2 ^ v10; h3 = v3 ^ v11;
            h4 = v4 ^ v12; h5 = v5 ^ v13; h6 = v6 ^ v14; h7 = v7 ^ v15;
        }

        // Lanes back to per-input chaining values; 128 scalar moves per 16 KiB of input.
        var words = stackalloc uint[8 * Lanes];
        h0.Store(words); h1.Store(words + 16); h2.Store(words + 32); h3.Store(words + 48);
        h4.Store(words + 64); h5.Store(words + 80); h6.Store(words + 96); h7.Store(words + 112);
        for (var lane = 0; lane < Lanes; lane++)
        {
            for (var w = 0; w < 8; w++)
            {
                output[(lane * 8) + w] = words[(w * Lanes) + lane];
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<uint> Ror(Vector512<uint> value, [ConstantExpected] byte count) => Avx512F.RotateRight(value, count);
}
