using System.Text.Json.Serialization;
using Lockstep.ML.Bundles;
using Lockstep.ML.Ensembles;
using Lockstep.ML.Features;

namespace Lockstep.ML;

/// <summary>
/// Source-generated metadata for the bundle entries every model load reads (preprocessing,
/// environment lock, ensemble description), with <see cref="MLJson.Options"/>' settings. Reading
/// them through <see cref="MLJson.Options"/>' reflection metadata JIT-compiled ~120 serializer
/// methods and ~30 dynamic methods in every process that loads a bundle (`lockstep predict`,
/// `serve`): in the shipped ReadyToRun build this code is precompiled instead. Writing still goes
/// through <see cref="MLJson.Options"/>, so bundle bytes are unchanged; tests read every entry both
/// ways and compare. No enum converter: these entries have no enum a reader sets
/// (<see cref="PreprocessingManifest.Task"/> is computed).
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(PreprocessingManifest))]
[JsonSerializable(typeof(EnvironmentLock))]
[JsonSerializable(typeof(EnsembleManifest))]
internal sealed partial class MLJsonContext : JsonSerializerContext;
