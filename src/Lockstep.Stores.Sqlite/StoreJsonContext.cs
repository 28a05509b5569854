using System.Text.Json.Serialization;

namespace Lockstep.Stores.Sqlite;

/// <summary>
/// Source-generated (de)serializers for the JSON columns. The reflection-based serializer builds
/// its converters and emits accessors on first use, which cost a fully cached `lockstep run` a
/// noticeable share of its start-up; the generated code is compiled ahead of time (ReadyToRun) and
/// writes the same JSON (default options: member names as declared). The metrics columns and the
/// reading of outputs are hand-written (<see cref="StoreJson"/>): a cached run needs no serializer.
/// </summary>
[JsonSerializable(typeof(List<StoredOutput>))]
internal sealed partial class StoreJsonContext : JsonSerializerContext;
