using System.Text.Json;
using Lockstep.ML.Bundles;

namespace Lockstep.Serving.Scoring;

/// <summary>A verified model bundle (<see cref="LoadedModel"/>) as the server and batch scorer use it.</summary>
public sealed class BundleScoringModel : IScoringModel
{
    private readonly LoadedModel _model;
    private readonly ExpectationValidator _validator;

    // One engine per thread: the pool behind LoadedModel.Predict is a ConcurrentBag whose items
    // wander between threads and then cost a lock to steal back, which showed as the top cost of
    // parallel batch scoring. Server and batch threads are few (about one per core), so are engines.
    private readonly ThreadLocal<ModelScorer> _scorer;

    public BundleScoringModel(string name, int version, LoadedModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        Name = name;
        Version = version;
        _model = model;
        _validator = new ExpectationValidator(model.Bundle.Expectations);
        _scorer = new ThreadLocal<ModelScorer>(model.CreateScorer);
    }

    public string Name { get; }

    public int Version { get; }

    public string BundleHash => _model.BundleHash;

    public LoadedModel Model => _model;

    public void Validate(IReadOnlyDictionary<string, object?> row, int rowIndex, List<FieldFinding> findings) =>
        _validator.Validate(row, rowIndex, findings);

    public ModelScore Score(IReadOnlyDictionary<string, object?> row)
    {
        var p = _scorer.Value!.Predict(row);
        return new ModelScore(p.Score, p.Probability, p.Label);
    }

    public void Describe(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteString("task", _model.Task.ToString().ToLowerInvariant());
        foreach (var (property, entry) in new[]
        {
            ("schema", BundleEntries.Schema), ("metrics", BundleEntries.Metrics), ("lineage", BundleEntries.Lineage),
            ("profile", BundleEntries.Profile), ("environment", BundleEntries.Environment), ("example", BundleEntries.Example),
        })
        {
            writer.WritePropertyName(property);
            if (_model.Bundle.Entry(entry) is { } node)
            {
                node.WriteTo(writer);
            }
            else
            {
                writer.WriteNullValue();
            }
        }
        writer.WriteString("expectations", System.Text.Encoding.UTF8.GetString(_model.Bundle.RawEntry(BundleEntries.Expectations)));
        writer.WriteStartObject("preprocessing");
        writer.WriteNumber("features", _model.Preprocessing.FeatureNames.Count);
        writer.WriteString("label", _model.Preprocessing.Label.Column);
        writer.WriteEndObject();
        if (_model.EnvironmentOverride is { } overridden)
        {
            writer.WritePropertyName("environmentOverride");
            JsonSerializer.Serialize(writer, overridden, Lockstep.ML.MLJson.Options);
        }
    }
}
