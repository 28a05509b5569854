namespace Lockstep.Stores.Sqlite.Migrations;

/// <summary>A numbered, forward-only change to the store's schema. Never edit one that has shipped; add the next number.</summary>
public sealed record Migration(int Version, string Description, string Sql);
