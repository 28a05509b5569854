using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Lockstep.ML.Bundles;

/// <summary>
/// Several rows at a time: each row's masks as <see cref="Sum"/> finds them, then the rows' leaf
/// sums interleaved, tree by tree. A row's sum is a chain of dependent double additions (the
/// ensemble order is the arithmetic ML.NET does, so it cannot be reassociated); four rows' chains
/// side by side keep the adder busy instead of waiting on each addition in turn. Each row's sum
/// is the same bits as <see cref="Sum"/>'s.
/// </summary>
internal sealed partial class LeafMaskEvaluator
{
    /// <summary>Rows per <see cref="SumBlock"/> call, at most.</summary>
    public const int BlockRows = 4;

    /// <summary>The length of the scratch masks <see cref="SumBlock"/> needs.</summary>
    public int BlockScratchLength => _stride * BlockRows;

    /// <summary>
    /// The sums of <paramref name="rows"/> (1 to <see cref="BlockRows"/>) feature vectors laid end
    /// to end in <paramref name="features"/> (row r at r × <paramref name="width"/>), each as
    /// <see cref="Sum"/> gives it (no NaN), into <paramref name="sums"/>[0..rows).
    /// <paramref name="masks"/> is scratch of at least <see cref="BlockScratchLength"/> entries.
    /// </summary>
    public void SumBlock(ReadOnlySpan<float> features, int width, int rows, Span<double> sums, Span<ulong> masks)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(rows, BlockRows);
        if (width <= _maxFeature || features.Length < rows * width || sums.Length < rows || masks.Length < BlockScratchLength)
        {
            throw new ArgumentException($"{rows} rows of width {width} (the trees split on feature {_maxFeature}) need {rows * width} features, {rows} sums and {BlockScratchLength} masks");
        }
        for (var r = 0; r < rows; r++)
        {
            Fill(features.Slice(r * width, width), masks.Slice(r * _stride, _stride));
        }
        // Rows past the last repeat it (their sums are dropped): the loop below always runs four chains.
        var stride = _stride;
        ref var m0 = ref MemoryMarshal.GetReference(masks);
        ref var m1 = ref Unsafe.Add(ref m0, Math.Min(1, rows - 1) * stride);
        ref var m2 = ref Unsafe.Add(ref m0, Math.Min(2, rows - 1) * stride);
        ref var m3 = ref Unsafe.Add(ref m0, Math.Min(3, rows - 1) * stride);
        ref var value0 = ref MemoryMarshal.GetArrayDataReference(_leafValues);
        var leafBase = _leafBase;
        double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
        for (var t = 0; t < leafBase.Length; t++)
        {
            ref var tree = ref Unsafe.Add(ref value0, leafBase[t]);
            s0 += Unsafe.Add(ref tree, BitOperations.TrailingZeroCount(Unsafe.Add(ref m0, t)));
            s1 += Unsafe.Add(ref tree, BitOperations.TrailingZeroCount(Unsafe.Add(ref m1, t)));
            s2 += Unsafe.Add(ref tree, BitOperations.TrailingZeroCount(Unsafe.Add(ref m2, t)));
            s3 += Unsafe.Add(ref tree, BitOperations.TrailingZeroCount(Unsafe.Add(ref m3, t)));
        }
        sums[0] = s0;
        if (rows > 1)
        {
            sums[1] = s1;
        }
        if (rows > 2)
        {
            sums[2] = s2;
        }
        if (rows > 3)
        {
            sums[3] = s3;
        }
    }
}
