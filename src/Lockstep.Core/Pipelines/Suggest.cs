namespace Lockstep.Pipelines;

/// <summary>"Did you mean …?" for misspelt keys, step types and parameter names.</summary>
public static class Suggest
{
    public static string DidYouMean(string given, IEnumerable<string> candidates)
    {
        var best = candidates
            .Select(c => (Candidate: c, Distance: Distance(given.ToLowerInvariant(), c.ToLowerInvariant())))
            .Where(x => x.Distance <= Math.Max(2, given.Length / 3))
            .OrderBy(x => x.Distance)
            .ThenBy(x => x.Candidate, StringComparer.Ordinal)
            .FirstOrDefault();
        return best.Candidate is null ? "" : $" Did you mean '{best.Candidate}'?";
    }

    public static string List(IEnumerable<string> names) => string.Join(", ", names.Order(StringComparer.Ordinal).Select(n => $"'{n}'"));

    private static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
