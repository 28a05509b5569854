using System.Globalization;
using System.Runtime.InteropServices;

namespace Lockstep.Data.Statistics;

/// <summary>
/// Streaming statistics of a numeric column in bounded memory. Values are counted exactly while
/// there are at most <see cref="ExactCap"/> distinct ones (exact distinct count and quantiles);
/// beyond that the counts are dropped and a second pass over the snapshot fills a fine histogram
/// between min and max, from which quantiles are interpolated (deterministic, error below one
/// fine bin). Moments use Welford's update.
/// </summary>
internal sealed class NumericAccumulator
{
    public const int ExactCap = 100_000;
    private const int FineBins = 16_384;
    internal static readonly double[] Probabilities = [0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99];

    private Dictionary<double, long>? _counts = new();
    private long _n;
    private double _mean;
    private double _m2;
    private double _min = double.PositiveInfinity;
    private double _max = double.NegativeInfinity;
    private long[]? _fine;
    private long[]? _plot;

    public bool IsInteger { get; init; }

    public long Rows { get; private set; }

    public long Missing { get; private set; }

    public long NonFinite { get; private set; }

    public bool NeedsSecondPass
    {
        get
        {
            FlushRun();
            return _counts is null && _n > 0;
        }
    }

    public void AddMissing()
    {
        Rows++;
        Missing++;
    }

    // Equal values arrive in runs (zeros, flags); a run is folded in once, with the same result
    // as value-by-value updates up to rounding, and the same result for any batch split.
    private double _runValue;
    private long _runLength;

    public void Add(double v)
    {
        Rows++;
        if (_runLength > 0 && v.Equals(_runValue))
        {
            _runLength++;
            return;
        }
        FlushRun();
        if (!double.IsFinite(v))
        {
            NonFinite++;
            return;
        }
        _runValue = v;
        _runLength = 1;
    }

    /// <summary>A batch of integers: the same result as <see cref="Add"/> and <see cref="AddMissing"/> value by value, with the run kept in locals.</summary>
    public void AddRange(ReadOnlySpan<long?> values)
    {
        long missing = 0;
        var runValue = _runValue;
        var runLength = _runLength;
        foreach (var v in values)
        {
            if (!v.HasValue)
            {
                missing++;
                continue;
            }
            double x = v.GetValueOrDefault();
            if (runLength > 0 && x.Equals(runValue))
            {
                runLength++;
                continue;
            }
            _runValue = runValue;
            _runLength = runLength;
            FlushRun();
            runValue = x; // an integer is always finite
            runLength = 1;
        }
        _runValue = runValue;
        _runLength = runLength;
        Rows += values.Length;
        Missing += missing;
    }

    /// <summary>A batch of doubles: the same result as <see cref="Add"/> and <see cref="AddMissing"/> value by value, with the run kept in locals.</summary>
    public void AddRange(ReadOnlySpan<double?> values)
    {
        long missing = 0;
        long nonFinite = 0;
        var runValue = _runValue;
        var runLength = _runLength;
        foreach (var v in values)
        {
            if (!v.HasValue)
            {
                missing++;
                continue;
            }
            var x = v.GetValueOrDefault();
            if (runLength > 0 && x.Equals(runValue))
            {
                runLength++;
                continue;
            }
            _runValue = runValue;
            _runLength = runLength;
            FlushRun();
            if (double.IsFinite(x))
            {
                runValue = x;
                runLength = 1;
            }
            else
            {
                nonFinite++;
                runLength = 0;
            }
        }
        _runValue = runValue;
        _runLength = runLength;
        Rows += values.Length;
        Missing += missing;
        NonFinite += nonFinite;
    }

    /// <summary>Folds the pending run into the moments and counts; called before reading results.</summary>
    public void FlushRun()
    {
        if (_runLength == 0)
        {
            return;
        }
        var v = _runValue;
        var k = _runLength;
        _runLength = 0;
        var n = _n + k;
        var delta = v - _mean;
        _mean += delta * k / n;
        _m2 += delta * delta * _n * k / n;
        _n = n;
        if (v < _min)
        {
            _min = v;
        }
        if (v > _max)
        {
            _max = v;
        }
        if (_counts is not null)
        {
            CollectionsMarshal.GetValueRefOrAddDefault(_counts, v == 0 ? 0.0 : v, out _) += k;
            if (_counts.Count > ExactCap)
            {
                _counts = null;
            }
        }
    }

    public void BeginSecondPass()
    {
        _fine = new long[FineBins];
        _plot = new long[PlotBins()];
    }

    public void AddSecondPass(double v)
    {
        if (!double.IsFinite(v))
        {
            return;
        }
        _fine![Bin(v, FineBins)]++;
        _plot![Bin(v, _plot.Length)]++;
    }

    public ColumnStatistics Build(string name, string type)
    {
        FlushRun();
        var stats = new ColumnStatistics
        {
            Name = name,
            Type = type,
            Count = Rows,
            Missing = Missing,
            MissingRate = Rows == 0 ? 0 : (double)Missing / Rows,
            NonFinite = NonFinite,
        };
        if (_n == 0)
        {
            return stats with { Distinct = NonFinite > 0 ? 1 : 0 };
        }
        stats = stats with
        {
            Min = _min,
            Max = _max,
            Mean = _mean,
            StdDev = _n > 1 ? Math.Sqrt(_m2 / (_n - 1)) : 0,
        };
        if (_counts is not null)
        {
            var keys = _counts.Keys.ToArray();
            Array.Sort(keys);
            var cumulative = new long[keys.Length];
            long running = 0;
            for (var i = 0; i < keys.Length; i++)
            {
                running += _counts[keys[i]];
                cumulative[i] = running;
            }
            double At(long k) => keys[LowerIndex(cumulative, k)];
            var plot = new long[PlotBins()];
            foreach (var (value, count) in _counts)
            {
                plot[Bin(value, plot.Length)] += count;
            }
            return stats with
            {
                Distinct = keys.Length,
                Quantiles = Quantiles(p => Interpolate(p, At)),
                QuantilesExact = true,
                Histogram = Bins(plot),
            };
        }
        var fine = _fine ?? throw new InvalidOperationException("second pass missing");
        var fineCumulative = new long[fine.Length];
        long sum = 0;
        for (var i = 0; i < fine.Length; i++)
        {
            sum += fine[i];
            fineCumulative[i] = sum;
        }
        var width = (_max - _min) / FineBins;
        // The k-th value lies in the fine bin holding it; assume values spread evenly inside it.
        double ApproxAt(long k)
        {
            var bin = LowerIndex(fineCumulative, k);
            var before = bin == 0 ? 0 : fineCumulative[bin - 1];
            var inside = fine[bin];
            var fraction = inside <= 1 ? 0.5 : (k - before + 0.5) / inside;
            return Math.Clamp(_min + (bin + fraction) * width, _min, _max);
        }
        return stats with
        {
            Distinct = ExactCap,
            DistinctAtLeast = true,
            Quantiles = Quantiles(p => Interpolate(p, ApproxAt)),
            QuantilesExact = false,
            Histogram = Bins(_plot!),
        };
    }

    private double Interpolate(double p, Func<long, double> orderStatistic)
    {
        var h = (_n - 1) * p;
        var lo = (long)Math.Floor(h);
        var hi = Math.Min(lo + 1, _n - 1);
        var a = orderStatistic(lo);
        return lo == hi ? a : a + (h - lo) * (orderStatistic(hi) - a);
    }

    private static Dictionary<string, double> Quantiles(Func<double, double> at)
    {
        var result = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var p in Probabilities)
        {
            result[p.ToString(CultureInfo.InvariantCulture)] = at(p);
        }
        return result;
    }

    /// <summary>First index whose cumulative count exceeds <paramref name="k"/> (0-based rank).</summary>
    private static int LowerIndex(long[] cumulative, long k)
    {
        int lo = 0, hi = cumulative.Length - 1;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (cumulative[mid] > k)
            {
                hi = mid;
            }
            else
            {
                lo = mid + 1;
            }
        }
        return lo;
    }

    // Integer columns with a small range get one bar per value; everything else 20 equal bars.
    private int PlotBins() => _max == _min ? 1
        : IsInteger && _max - _min < 30 ? (int)(_max - _min) + 1
        : 20;

    private double PlotLow(int bin, int bins) => IsInteger && bins == (int)(_max - _min) + 1 ? _min + bin - 0.5 : _min + bin * (_max - _min) / bins;

    private int Bin(double v, int bins)
    {
        if (bins == 1)
        {
            return 0;
        }
        if (IsInteger && bins == (int)(_max - _min) + 1)
        {
            return (int)(v - _min);
        }
        var i = (int)((v - _min) / (_max - _min) * bins);
        return Math.Clamp(i, 0, bins - 1);
    }

    private HistogramBin[] Bins(long[] counts)
    {
        var bins = new HistogramBin[counts.Length];
        for (var i = 0; i < counts.Length; i++)
        {
            var low = counts.Length == 1 ? _min : PlotLow(i, counts.Length);
            var high = counts.Length == 1 ? _max : PlotLow(i + 1, counts.Length);
            bins[i] = new HistogramBin(low, high, counts[i]);
        }
        return bins;
    }
}
