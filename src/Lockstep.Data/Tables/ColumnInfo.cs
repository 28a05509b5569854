namespace Lockstep.Data.Tables;

/// <summary>A column's name and type, without values: one entry of a table's layout.</summary>
public sealed record ColumnInfo(string Name, ColumnType Type);
