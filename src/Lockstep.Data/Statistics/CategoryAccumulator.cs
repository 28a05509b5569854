using System.Runtime.InteropServices;

namespace Lockstep.Data.Statistics;

/// <summary>
/// Streaming statistics of a text or boolean column: value counts (capped at
/// <see cref="Cap"/> distinct values, after which new values are no longer tracked and the
/// distinct count becomes a lower bound) and text lengths.
/// </summary>
internal sealed class CategoryAccumulator
{
    public const int Cap = 100_000;
    private const int TopCount = 50;
    private readonly Dictionary<string, long> _counts = new(StringComparer.Ordinal);
    private bool _capped;
    private long _lengthSum;
    private long _lengthMin = long.MaxValue;
    private long _lengthMax;
    private long _n;

    public bool IsText { get; init; } = true;

    public long Rows { get; private set; }

    public long Missing { get; private set; }

    public void AddMissing()
    {
        Rows++;
        Missing++;
    }

    public void Add(string value) => AddRun(value, 1);

    /// <summary>
    /// A batch of values: the same result as <see cref="Add"/> and <see cref="AddMissing"/> value
    /// by value. Ingest hands over pooled strings, so a run of one value is one reference repeated
    /// and is counted with one dictionary update.
    /// </summary>
    public void AddRange(ReadOnlySpan<string?> values)
    {
        string? run = null;
        long runLength = 0;
        long missing = 0;
        foreach (var v in values)
        {
            if (v is null)
            {
                missing++;
                continue;
            }
            if (ReferenceEquals(v, run))
            {
                runLength++;
                continue;
            }
            if (run is not null)
            {
                AddRun(run, runLength);
            }
            run = v;
            runLength = 1;
        }
        if (run is not null)
        {
            AddRun(run, runLength);
        }
        Rows += missing;
        Missing += missing;
    }

    private void AddRun(string value, long count)
    {
        Rows += count;
        _n += count;
        if (IsText)
        {
            var len = value.Length;
            _lengthSum += len * count;
            if (len < _lengthMin)
            {
                _lengthMin = len;
            }
            if (len > _lengthMax)
            {
                _lengthMax = len;
            }
        }
        if (_capped)
        {
            if (_counts.TryGetValue(value, out var c))
            {
                _counts[value] = c + count;
            }
            return;
        }
        CollectionsMarshal.GetValueRefOrAddDefault(_counts, value, out _) += count;
        if (_counts.Count >= Cap)
        {
            _capped = true;
        }
    }

    public ColumnStatistics Build(string name, string type)
    {
        var top = _counts
            .OrderByDescending(p => p.Value)
            .ThenBy(p => p.Key, StringComparer.Ordinal)
            .Take(TopCount)
            .Select(p => new ValueCount(p.Key, p.Value))
            .ToArray();
        return new ColumnStatistics
        {
            Name = name,
            Type = type,
            Count = Rows,
            Missing = Missing,
            MissingRate = Rows == 0 ? 0 : (double)Missing / Rows,
            Distinct = _counts.Count,
            DistinctAtLeast = _capped,
            Top = top,
            TopExact = !_capped,
            Lengths = IsText && _n > 0 ? new TextLengths(_lengthMin, (double)_lengthSum / _n, _lengthMax) : null,
        };
    }
}
