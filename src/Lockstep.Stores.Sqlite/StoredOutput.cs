namespace Lockstep.Stores.Sqlite;

/// <summary>One output of a step as the outputs_json column stores it.</summary>
internal sealed record StoredOutput(string Name, string Hash, long Size);
