namespace Lockstep.Storage;

/// <summary>One recorded alias move: which alias, from which version (null: it was new), to which (null: removed), by whom, when and why.</summary>
public sealed record AliasMove(
    string Name,
    string Alias,
    int? FromVersion,
    int? ToVersion,
    string MovedBy,
    DateTimeOffset MovedAt,
    string? Reason);
