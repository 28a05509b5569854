namespace Lockstep.Data.Tables;

/// <summary>The logical type of a column; every type is nullable.</summary>
public enum ColumnType
{
    /// <summary>64-bit signed integers (Parquet INT64).</summary>
    Int64,
    /// <summary>64-bit floating point (Parquet DOUBLE).</summary>
    Double,
    /// <summary>UTF-8 text (Parquet BYTE_ARRAY, UTF8).</summary>
    String,
    /// <summary>True or false (Parquet BOOLEAN).</summary>
    Boolean,
}
