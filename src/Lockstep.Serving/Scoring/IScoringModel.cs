using System.Text.Json;

namespace Lockstep.Serving.Scoring;

/// <summary>
/// What the server and batch scorer need from a loaded, verified model: its identity, a check
/// of one raw row against its schema and expectations, and a thread-safe score. The production
/// implementation wraps the ML area's model bundle; keeping this seam small lets the server be
/// built and tested independently of how a bundle is stored.
/// </summary>
public interface IScoringModel
{
    /// <summary>Registered model name (the URL segment in <c>/v1/models/{name}</c>).</summary>
    string Name { get; }

    /// <summary>Registry version; 0 when served from a bare bundle file.</summary>
    int Version { get; }

    /// <summary>Content hash of the bundle that was verified at load.</summary>
    string BundleHash { get; }

    /// <summary>Appends one finding per problem in <paramref name="row"/> (wrong type, missing required, unknown field, out of expectations).</summary>
    void Validate(IReadOnlyDictionary<string, object?> row, int rowIndex, List<FieldFinding> findings);

    /// <summary>Applies the bundle's own preprocessing and the model. Must be safe to call from many threads.</summary>
    ModelScore Score(IReadOnlyDictionary<string, object?> row);

    /// <summary>Writes schema, expectations, lineage and metrics for <c>GET /v1/models/{name}</c>.</summary>
    void Describe(Utf8JsonWriter writer);
}
