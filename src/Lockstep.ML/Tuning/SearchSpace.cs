using System.Text.Json.Nodes;
using Lockstep.Errors;

namespace Lockstep.ML.Tuning;

/// <summary>
/// Declared hyperparameter ranges: each name maps to a list of values (grid or random choice) or
/// to {min, max, log?, integer?} (random search only). Trials are drawn from a seeded generator.
/// </summary>
public sealed class SearchSpace
{
    private readonly List<(string Name, double[]? Values, double Min, double Max, bool Log, bool Integer)> _dimensions = [];

    public static SearchSpace Parse(JsonObject space)
    {
        var result = new SearchSpace();
        foreach (var (name, node) in space.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            switch (node)
            {
                case JsonArray values when values.Count > 0:
                    result._dimensions.Add((name, values.Select(v => JsonNumbers.Get(v) ?? throw new StepInputException($"space.{name} lists {v?.ToJsonString()}, which is not a number")).ToArray(), 0, 0, false, false));
                    break;
                case JsonObject range when JsonNumbers.Get(range["min"]) is not null && JsonNumbers.Get(range["max"]) is not null:
                    result._dimensions.Add((name, null, JsonNumbers.Get(range["min"])!.Value, JsonNumbers.Get(range["max"])!.Value,
                        JsonNumbers.GetBool(range["log"]) ?? false, JsonNumbers.GetBool(range["integer"]) ?? false));
                    break;
                default:
                    throw new StepInputException($"space.{name} must be a list of values ([15, 31, 63]) or a range ({{min: 0.01, max: 0.3, log: true}})");
            }
        }
        if (result._dimensions.Count == 0)
        {
            throw new StepInputException("the search 'space' is empty; declare at least one hyperparameter, e.g. leaves: [15, 31, 63]");
        }
        return result;
    }

    /// <summary>Every combination of the listed values, in a fixed order (names sorted, values as declared).</summary>
    public IReadOnlyList<Dictionary<string, double>> Grid()
    {
        if (_dimensions.Any(d => d.Values is null))
        {
            throw new StepInputException($"grid search needs a list of values for every hyperparameter; {string.Join(", ", _dimensions.Where(d => d.Values is null).Select(d => d.Name))} are ranges (use search: random)");
        }
        IEnumerable<Dictionary<string, double>> combos = [new Dictionary<string, double>(StringComparer.Ordinal)];
        foreach (var d in _dimensions)
        {
            combos = combos.SelectMany(c => d.Values!.Select(v => new Dictionary<string, double>(c, StringComparer.Ordinal) { [d.Name] = v })).ToList();
        }
        return combos.ToList();
    }

    /// <summary><paramref name="trials"/> random draws from a generator seeded with <paramref name="seed"/>.</summary>
    public IReadOnlyList<Dictionary<string, double>> Random(int trials, int seed)
    {
        var random = new System.Random(seed);
        var result = new List<Dictionary<string, double>>(trials);
        for (var t = 0; t < trials; t++)
        {
            var draw = new Dictionary<string, double>(StringComparer.Ordinal);
            foreach (var d in _dimensions)
            {
                double v;
                if (d.Values is { } values)
                {
                    v = values[random.Next(values.Length)];
                }
                else if (d.Log)
                {
                    v = Math.Exp(Math.Log(d.Min) + random.NextDouble() * (Math.Log(d.Max) - Math.Log(d.Min)));
                }
                else
                {
                    v = d.Min + random.NextDouble() * (d.Max - d.Min);
                }
                draw[d.Name] = d.Integer ? Math.Round(v) : Math.Round(v, 6);
            }
            result.Add(draw);
        }
        return result;
    }
}
