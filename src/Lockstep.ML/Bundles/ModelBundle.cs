using System.Text.Json.Nodes;
using Lockstep.Errors;
using Lockstep.Hashing;
using Lockstep.ML.Ensembles;
using Lockstep.ML.Features;

namespace Lockstep.ML.Bundles;

/// <summary>
/// A model bundle: one zip holding the ML.NET model, the preprocessing manifest, input schema,
/// metrics, static profile, environment lock, lineage, an input example and the format version,
/// with manifest.json (last) listing the hash of every other entry. An ensemble bundle (format
/// version 3) adds ensemble.json and its members' models. Entries are written in a fixed order
/// with fixed timestamps, so the bytes depend only on the content.
/// </summary>
public sealed class ModelBundle
{
    public const string FormatName = "lockstep-model-bundle";
    /// <summary>2: the hash manifest names its algorithm (blake3) instead of sha256 (version 1). A single-model bundle is still written as version 2.</summary>
    public const int FormatVersion = 2;

    /// <summary>3: version 2 plus ensemble.json and the members' model entries; written only for ensembles.</summary>
    public const int EnsembleFormatVersion = 3;

    /// <summary>The versions this Lockstep reads.</summary>
    public static IReadOnlyList<int> ReadableVersions { get; } = [FormatVersion, EnsembleFormatVersion];

    private readonly Dictionary<string, byte[]> _entries;
    private readonly IReadOnlyList<string> _order;

    private ModelBundle(Dictionary<string, byte[]> entries)
    {
        _entries = entries;
        Ensemble = entries.TryGetValue(BundleEntries.Ensemble, out var ensemble) ? MLJson.FromBytes(ensemble, MLJsonContext.Default.EnsembleManifest, BundleEntries.Ensemble) : null;
        _order = Ensemble is null
            ? BundleEntries.Ordered
            : [.. BundleEntries.Ordered, BundleEntries.Ensemble, .. Ensemble.Members.Select(m => m.Entry).Where(e => e != BundleEntries.Model)];
    }

    /// <summary>The format version this bundle is written with: <see cref="EnsembleFormatVersion"/> for an ensemble, else <see cref="FormatVersion"/>.</summary>
    public int Version => Ensemble is null ? FormatVersion : EnsembleFormatVersion;

    /// <summary>The ensemble's structure, or null for a single model.</summary>
    public EnsembleManifest? Ensemble { get; }

    /// <summary>Every entry except the hash manifest, in the fixed order.</summary>
    public IReadOnlyList<KeyValuePair<string, byte[]>> Entries =>
        _order.Select(name => new KeyValuePair<string, byte[]>(name, _entries[name])).ToList();

    /// <summary>The ML.NET model bytes of every member in member order (one for a single model).</summary>
    public IReadOnlyList<byte[]> MemberModels =>
        Ensemble is null ? [ModelBytes] : Ensemble.Members.Select(m => _entries[m.Entry]).ToList();

    public byte[] ModelBytes => _entries[BundleEntries.Model];

    public PreprocessingManifest Preprocessing => MLJson.FromBytes(_entries[BundleEntries.Preprocessing], MLJsonContext.Default.PreprocessingManifest, BundleEntries.Preprocessing);

    public EnvironmentLock Environment => MLJson.FromBytes(_entries[BundleEntries.Environment], MLJsonContext.Default.EnvironmentLock, BundleEntries.Environment);

    public JsonObject Metrics => JsonNode.Parse(_entries[BundleEntries.Metrics]) as JsonObject ?? [];

    public JsonNode? Entry(string name) => JsonNode.Parse(_entries[name]);

    /// <summary>The raw bytes of an entry (e.g. <see cref="BundleEntries.Expectations"/>, which is YAML).</summary>
    public byte[] RawEntry(string name) => _entries[name];

    /// <summary>The training data's expectations; validate serving requests with <c>new SchemaValidator(Expectations).ValidateRow(row)</c>.</summary>
    public Lockstep.Data.Schemas.DatasetSchema Expectations =>
        Lockstep.Data.Schemas.DatasetSchema.FromYaml(System.Text.Encoding.UTF8.GetString(_entries[BundleEntries.Expectations]), BundleEntries.Expectations);

    /// <summary>The training data's statistics, the baseline for drift monitoring.</summary>
    public Lockstep.Data.Statistics.DatasetStatistics TrainingStatistics =>
        Lockstep.Data.Statistics.DatasetStatistics.FromJson(System.Text.Encoding.UTF8.GetString(_entries[BundleEntries.Statistics]), BundleEntries.Statistics);

    public static ModelBundle Create(
        byte[] model,
        PreprocessingManifest preprocessing,
        InputSchema schema,
        TrainingDataProfile data,
        JsonObject metrics,
        StaticProfile profile,
        EnvironmentLock environment,
        ModelLineage lineage,
        JsonObject example) => new(new Dictionary<string, byte[]>(StringComparer.Ordinal)
        {
            [BundleEntries.Format] = FormatEntry(FormatVersion),
            [BundleEntries.Model] = model,
            [BundleEntries.Preprocessing] = MLJson.ToBytes(preprocessing),
            [BundleEntries.Schema] = MLJson.ToBytes(schema),
            [BundleEntries.Expectations] = System.Text.Encoding.UTF8.GetBytes(data.Expectations.ToYaml()),
            [BundleEntries.Statistics] = System.Text.Encoding.UTF8.GetBytes(data.Statistics.ToJson()),
            [BundleEntries.Metrics] = MLJson.ToBytes(SortedCopy(metrics)),
            [BundleEntries.Profile] = MLJson.ToBytes(profile),
            [BundleEntries.Environment] = MLJson.ToBytes(environment),
            [BundleEntries.Lineage] = MLJson.ToBytes(lineage),
            [BundleEntries.Example] = MLJson.ToBytes(example),
        });

    /// <summary>
    /// The same bundle as an ensemble: <paramref name="ensemble"/> becomes ensemble.json and the
    /// format version 3; <paramref name="memberModels"/> (in member order; the first must be this
    /// bundle's model.zip) are stored under each member's entry name.
    /// </summary>
    public ModelBundle WithEnsemble(EnsembleManifest ensemble, IReadOnlyList<byte[]> memberModels)
    {
        ArgumentNullException.ThrowIfNull(ensemble);
        ArgumentNullException.ThrowIfNull(memberModels);
        if (ensemble.Members.Count != memberModels.Count || ensemble.Members.Count < 2)
        {
            throw new ArgumentException($"an ensemble needs at least two members and one model per member ({ensemble.Members.Count} members, {memberModels.Count} models)", nameof(memberModels));
        }
        var entries = new Dictionary<string, byte[]>(_entries, StringComparer.Ordinal)
        {
            [BundleEntries.Format] = FormatEntry(EnsembleFormatVersion),
            [BundleEntries.Ensemble] = MLJson.ToBytes(ensemble),
        };
        for (var i = 0; i < memberModels.Count; i++)
        {
            if (ensemble.Members[i].Entry != BundleEntries.Member(i + 1))
            {
                throw new ArgumentException($"ensemble member {i + 1} must be stored as {BundleEntries.Member(i + 1)}, not {ensemble.Members[i].Entry}", nameof(ensemble));
            }
            entries[ensemble.Members[i].Entry] = memberModels[i];
        }
        return new ModelBundle(entries);
    }

    /// <summary>The same bundle with its metrics replaced (the evaluate step fills them in).</summary>
    public ModelBundle WithMetrics(JsonObject metrics) => With(BundleEntries.Metrics, MLJson.ToBytes(SortedCopy(metrics)));

    /// <summary>The same bundle with one entry's content replaced (the hash manifest follows when written); for tests and tools.</summary>
    public ModelBundle With(string entry, byte[] content) =>
        new(new Dictionary<string, byte[]>(_entries, StringComparer.Ordinal) { [entry] = content });

    public byte[] ToBytes()
    {
        var entries = Entries;
        var manifest = new JsonObject
        {
            ["format"] = FormatName,
            ["version"] = Version,
            ["entries"] = new JsonArray(entries.Select(e => (JsonNode)new JsonObject
            {
                ["name"] = e.Key,
                [ContentHasher.Algorithm] = ContentHasher.HashBytes(e.Value).Hex,
                ["size"] = e.Value.LongLength,
            }).ToArray()),
        };
        return DeterministicZip.Write(entries.Append(new(BundleEntries.Manifest, MLJson.ToBytes(manifest))));
    }

    public async Task WriteAsync(string path, CancellationToken cancellationToken) =>
        await File.WriteAllBytesAsync(path, ToBytes(), cancellationToken).ConfigureAwait(false);

    /// <summary>Reads a bundle and checks its format and every entry's hash; refuses it with the list of problems otherwise.</summary>
    public static async Task<ModelBundle> ReadAsync(string path, CancellationToken cancellationToken)
    {
        byte[] bytes;
        try
        {
            bytes = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new LockstepException($"cannot read model bundle {path}: {e.Message}");
        }
        return FromBytes(bytes, path);
    }

    public static ModelBundle FromBytes(byte[] bytes, string path)
    {
        List<KeyValuePair<string, byte[]>> entries;
        try
        {
            using var stream = new MemoryStream(bytes);
            entries = DeterministicZip.Read(stream);
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            throw new BundleRefusedException(path, [$"it is not a readable zip archive ({e.Message})"], "Rebuild the bundle; it is damaged or not a Lockstep model bundle.");
        }
        var byName = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var (name, content) in entries)
        {
            byName[name] = content;
        }
        var problems = Verify(byName);
        if (problems.Count > 0)
        {
            throw new BundleRefusedException(path, problems, "The bundle was changed or damaged after it was written; use the copy in the store (lockstep verify checks it) or retrain.");
        }
        byName.Remove(BundleEntries.Manifest);
        return new ModelBundle(byName);
    }

    private static List<string> Verify(Dictionary<string, byte[]> entries)
    {
        var problems = new List<string>();
        if (!entries.TryGetValue(BundleEntries.Manifest, out var manifestBytes))
        {
            return [$"entry {BundleEntries.Manifest} is missing"];
        }
        JsonObject manifest;
        try
        {
            manifest = JsonNode.Parse(manifestBytes) as JsonObject ?? throw new InvalidDataException("not an object");
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidDataException)
        {
            return [$"entry {BundleEntries.Manifest} is not valid JSON ({e.Message})"];
        }
        if ((string?)manifest["format"] != FormatName)
        {
            return [$"it is not a Lockstep model bundle (format '{manifest["format"]}')"];
        }
        var version = (int?)manifest["version"] ?? 0;
        if (!ReadableVersions.Contains(version))
        {
            return [$"bundle format version {version}; this Lockstep reads versions {string.Join(" and ", ReadableVersions)}"];
        }
        var listed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in manifest["entries"]?.AsArray() ?? [])
        {
            var name = (string?)item?["name"] ?? "";
            var expected = (string?)item?[ContentHasher.Algorithm] ?? "";
            listed.Add(name);
            if (!entries.TryGetValue(name, out var content))
            {
                problems.Add($"entry {name} is listed in the hash manifest but missing");
            }
            else if (ContentHasher.HashBytes(content).Hex != expected)
            {
                problems.Add($"entry {name} has {ContentHasher.Algorithm} {ContentHasher.HashBytes(content).Short}…, the manifest says {expected[..Math.Min(12, expected.Length)]}…");
            }
        }
        foreach (var name in BundleEntries.Ordered.Where(n => !listed.Contains(n)))
        {
            problems.Add($"entry {name} is not covered by the hash manifest");
        }
        foreach (var name in entries.Keys.Where(n => n != BundleEntries.Manifest && !listed.Contains(n)))
        {
            problems.Add($"entry {name} is not listed in the hash manifest");
        }
        if (problems.Count == 0)
        {
            problems.AddRange(VerifyEnsemble(entries, version));
        }
        return problems;
    }

    /// <summary>Version 3 ⇔ ensemble.json; every member's entry present and its hash the one ensemble.json records.</summary>
    private static IEnumerable<string> VerifyEnsemble(Dictionary<string, byte[]> entries, int version)
    {
        var has = entries.TryGetValue(BundleEntries.Ensemble, out var bytes);
        if (has != (version == EnsembleFormatVersion))
        {
            yield return has
                ? $"entry {BundleEntries.Ensemble} is in a version {version} bundle; only version {EnsembleFormatVersion} holds ensembles"
                : $"a version {EnsembleFormatVersion} bundle must hold {BundleEntries.Ensemble}";
            yield break;
        }
        if (!has)
        {
            yield break;
        }
        EnsembleManifest ensemble;
        string? error = null;
        try
        {
            ensemble = MLJson.FromBytes(bytes!, MLJsonContext.Default.EnsembleManifest, BundleEntries.Ensemble);
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidDataException or NotSupportedException)
        {
            ensemble = null!;
            error = $"entry {BundleEntries.Ensemble} is not a valid ensemble description ({e.Message})";
        }
        if (error is not null)
        {
            yield return error;
            yield break;
        }
        if (ensemble.Members is null || ensemble.Members.Count < 2 || ensemble.Combiner is null)
        {
            yield return $"entry {BundleEntries.Ensemble} must name at least two members and a combiner";
            yield break;
        }
        for (var i = 0; i < ensemble.Members.Count; i++)
        {
            var member = ensemble.Members[i];
            if (member.Entry != BundleEntries.Member(i + 1))
            {
                yield return $"ensemble member {i + 1} is stored as '{member.Entry}'; it must be {BundleEntries.Member(i + 1)}";
            }
            else if (!entries.TryGetValue(member.Entry, out var model))
            {
                yield return $"ensemble member {i + 1}'s model {member.Entry} is missing";
            }
            else if (ContentHasher.HashBytes(model).Hex != member.Blake3)
            {
                yield return $"ensemble member {i + 1}'s model {member.Entry} does not have the hash {BundleEntries.Ensemble} records";
            }
        }
    }

    private static byte[] FormatEntry(int version) => MLJson.ToBytes(new JsonObject { ["format"] = FormatName, ["version"] = version });

    /// <summary>
    /// Reads, verifies and loads a bundle for prediction. Refuses a bundle whose hashes do not match,
    /// or whose environment lock differs from this process unless <paramref name="options"/> allows
    /// it (the differences are then on <see cref="LoadedModel.EnvironmentOverride"/>).
    /// </summary>
    public static async Task<LoadedModel> LoadAsync(string path, BundleLoadOptions options, CancellationToken cancellationToken)
    {
        var bytes = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
        var bundle = FromBytes(bytes, path);
        Diagnostics.PhaseTrace.Mark("bundle: read, unzipped, every entry's hash checked");
        var differences = bundle.Environment.DifferencesFrom(EnvironmentLock.Current(packages: false));
        Diagnostics.PhaseTrace.Mark("bundle: environment lock compared with this process");
        EnvironmentOverride? overridden = null;
        if (differences.Count > 0)
        {
            if (!options.AllowEnvironmentMismatch)
            {
                throw new BundleRefusedException(path, differences, "The model was trained in another environment. Retrain it here, or load it anyway with the explicit environment override (it is recorded).");
            }
            overridden = new EnvironmentOverride(differences, options.OverrideReason);
        }
        var loaded = new LoadedModel(bundle, ContentHasher.HashBytes(bytes).Hex, overridden, options.WarmEngines);
        Diagnostics.PhaseTrace.Mark("bundle: model loaded (ML.NET), evaluator and engines made");
        return loaded;
    }

    private static JsonObject SortedCopy(JsonObject metrics) =>
        JsonNode.Parse(CanonicalJson.Serialize(metrics))!.AsObject();
}
