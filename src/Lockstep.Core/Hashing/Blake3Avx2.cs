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
    // Fully optimised from the first call: a first large file must not run on tier-0 code.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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
    private static void G(ref Vector256<uint> a, ref Vector256<uint> b, ref Vector256<uint> c, ref Vector256<uint> d,
        Vector256<uint> x, Vector256<uint> y)
    {
        a = a + b + x;
        d = Rotate(d ^ a, 16);
        c += d;
        b = Rotate(b ^ c, 12);
        a = a + b + y;
        d = Rotate(d ^ a, 8);
        c += d;
        b = Rotate(b ^ c, 7);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<uint> Rotate(Vector256<uint> value, [ConstantExpected] byte count) =>
        Avx512F.VL.IsSupported
            ? Avx512F.VL.RotateRight(value, count)
            : Vector256.ShiftRightLogical(value, count) | Vector256.ShiftLeft(value, 32 - count);
}
