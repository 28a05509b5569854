using System.Text.Json;
using Lockstep.Serving.Scoring;

namespace Lockstep.Serving.Tests.Support;

/// <summary>
/// Test-only stand-in for a bundle until the ML area's <c>ModelBundle</c> is merged: the adult
/// schema (types, required fields, nulls where a bundle imputes, ranges) and a fixed linear
/// score. It exercises the server's contract with a model; it is not shipped.
/// </summary>
internal sealed class AdultLinearModel(string name, int version, string bundleHash) : IScoringModel
{
    private static readonly string[] Numeric = ["age", "fnlwgt", "education-num", "capital-gain", "capital-loss", "hours-per-week"];
    private static readonly string[] Categorical = ["workclass", "education", "marital-status", "occupation", "relationship", "race", "sex", "native-country"];
    private static readonly HashSet<string> Imputed = ["workclass", "occupation", "native-country", "capital-gain", "capital-loss"];

    public string Name { get; } = name;

    public int Version { get; } = version;

    public string BundleHash { get; } = bundleHash;

    public static IReadOnlyList<string> Columns { get; } = [.. Numeric, .. Categorical];

    public void Validate(IReadOnlyDictionary<string, object?> row, int rowIndex, List<FieldFinding> findings)
    {
        foreach (var field in Numeric)
        {
            if (!row.TryGetValue(field, out var v) || v is null)
            {
                if (!Imputed.Contains(field))
                {
                    findings.Add(new FieldFinding(rowIndex, field, "missing", $"'{field}' is required (a number)"));
                }
            }
            else if (v is not double d)
            {
                findings.Add(new FieldFinding(rowIndex, field, "type", $"'{field}' must be a number"));
            }
            else if (d < 0 || (field == "age" && d > 120))
            {
                findings.Add(new FieldFinding(rowIndex, field, "range", $"'{field}' = {d} is outside the expected range"));
            }
        }
        foreach (var field in Categorical)
        {
            if (!row.TryGetValue(field, out var v) || v is null)
            {
                if (!Imputed.Contains(field))
                {
                    findings.Add(new FieldFinding(rowIndex, field, "missing", $"'{field}' is required (a string)"));
                }
            }
            else if (v is not string)
            {
                findings.Add(new FieldFinding(rowIndex, field, "type", $"'{field}' must be a string"));
            }
        }
        foreach (var key in row.Keys)
        {
            if (Array.IndexOf(Numeric, key) < 0 && Array.IndexOf(Categorical, key) < 0)
            {
                findings.Add(new FieldFinding(rowIndex, key, "unknown", $"'{key}' is not an input of this model"));
            }
        }
    }

    public ModelScore Score(IReadOnlyDictionary<string, object?> row)
    {
        var age = row.TryGetValue("age", out var a) && a is double da ? da : 38;
        var edu = row.TryGetValue("education-num", out var e) && e is double de ? de : 10;
        var hours = row.TryGetValue("hours-per-week", out var h) && h is double dh ? dh : 40;
        var married = row.TryGetValue("marital-status", out var m) && m is "Married-civ-spouse" ? 1.0 : 0.0;
        var z = -8 + (0.03 * age) + (0.3 * edu) + (0.03 * hours) + (2 * married) + Version;
        var p = 1 / (1 + Math.Exp(-z));
        return new ModelScore(z, p, p > 0.5 ? ">50K" : "<=50K");
    }

    public void Describe(Utf8JsonWriter writer)
    {
        writer.WriteStartArray("inputs");
        foreach (var c in Columns)
        {
            writer.WriteStringValue(c);
        }
        writer.WriteEndArray();
    }
}
