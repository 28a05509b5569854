using System.Globalization;
using Lockstep.Data.Statistics;

namespace Lockstep.Data.Diff;

/// <summary>
/// The difference between two snapshots' statistics: columns added, removed or retyped, row
/// counts, and the largest shifts in each shared column (missing rate, mean in standard
/// deviations of the first, category frequencies as total variation distance).
/// </summary>
public sealed record DatasetDiff(
    long RowsBefore,
    long RowsAfter,
    IReadOnlyList<string> Added,
    IReadOnlyList<string> Removed,
    IReadOnlyList<(string Column, string Before, string After)> Retyped,
    IReadOnlyList<ColumnShift> Shifts)
{
    public bool Identical => RowsBefore == RowsAfter && Added.Count == 0 && Removed.Count == 0 && Retyped.Count == 0 && Shifts.All(s => s.Score == 0);

    public static DatasetDiff Compute(DatasetStatistics a, DatasetStatistics b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var added = b.Columns.Where(c => a.Find(c.Name) is null).Select(c => c.Name).ToArray();
        var removed = a.Columns.Where(c => b.Find(c.Name) is null).Select(c => c.Name).ToArray();
        var retyped = new List<(string, string, string)>();
        var shifts = new List<ColumnShift>();
        foreach (var ca in a.Columns)
        {
            if (b.Find(ca.Name) is not { } cb)
            {
                continue;
            }
            if (ca.Type != cb.Type)
            {
                retyped.Add((ca.Name, ca.Type, cb.Type));
                continue;
            }
            shifts.Add(new ColumnShift(ca.Name, "missing rate", P(ca.MissingRate), P(cb.MissingRate), Math.Abs(cb.MissingRate - ca.MissingRate)));
            if (ca.Mean is { } ma && cb.Mean is { } mb)
            {
                var sd = ca.StdDev is > 0 ? ca.StdDev.Value : Math.Max(Math.Abs(ma), 1);
                shifts.Add(new ColumnShift(ca.Name, "mean", G(ma), G(mb), Math.Abs(mb - ma) / sd));
                if (ca.StdDev is { } sa && cb.StdDev is { } sb2 && sa > 0)
                {
                    shifts.Add(new ColumnShift(ca.Name, "std dev", G(sa), G(sb2), Math.Abs(sb2 - sa) / sa));
                }
            }
            if (ca.Top is { Count: > 0 } ta && cb.Top is { Count: > 0 } tb)
            {
                var fa = ta.ToDictionary(t => t.Value, t => (double)t.Count / Math.Max(1, ca.Count - ca.Missing), StringComparer.Ordinal);
                var fb = tb.ToDictionary(t => t.Value, t => (double)t.Count / Math.Max(1, cb.Count - cb.Missing), StringComparer.Ordinal);
                var tv = fa.Keys.Union(fb.Keys).Sum(k => Math.Abs(fa.GetValueOrDefault(k) - fb.GetValueOrDefault(k))) / 2;
                var biggest = fa.Keys.Union(fb.Keys).OrderByDescending(k => Math.Abs(fa.GetValueOrDefault(k) - fb.GetValueOrDefault(k))).ThenBy(k => k, StringComparer.Ordinal).First();
                shifts.Add(new ColumnShift(ca.Name, $"categories (largest: '{biggest}')", P(fa.GetValueOrDefault(biggest)), P(fb.GetValueOrDefault(biggest)), tv));
            }
            if (ca.Distinct != cb.Distinct)
            {
                shifts.Add(new ColumnShift(ca.Name, "distinct", ca.Distinct.ToString(CultureInfo.InvariantCulture), cb.Distinct.ToString(CultureInfo.InvariantCulture),
                    Math.Abs(cb.Distinct - ca.Distinct) / (double)Math.Max(1, ca.Distinct)));
            }
        }
        var ranked = shifts.OrderByDescending(s => s.Score).ThenBy(s => s.Column, StringComparer.Ordinal).ThenBy(s => s.Measure, StringComparer.Ordinal).ToArray();
        return new DatasetDiff(a.RowCount, b.RowCount, added, removed, retyped, ranked);
    }

    private static string P(double v) => v.ToString("P2", CultureInfo.InvariantCulture);

    private static string G(double v) => v.ToString("G6", CultureInfo.InvariantCulture);
}
