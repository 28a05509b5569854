using Lockstep.Data.Tables;

namespace Lockstep.Data.Ingest;

/// <summary>Widening and mapping of <see cref="InferredType"/>.</summary>
internal static class InferredTypes
{
    /// <summary>The least type that holds both the current type's values and <paramref name="text"/>.</summary>
    public static InferredType Widen(InferredType current, ReadOnlySpan<byte> text)
    {
        if (current == InferredType.String)
        {
            return current;
        }
        if (current <= InferredType.Boolean && FieldParsers.TryBooleanStrict(text, out _))
        {
            return InferredType.Boolean;
        }
        if (current == InferredType.Boolean)
        {
            return InferredType.String;
        }
        if (current <= InferredType.Int64 && FieldParsers.TryInt64(text, out _))
        {
            return InferredType.Int64;
        }
        return FieldParsers.TryDouble(text, out _) ? InferredType.Double : InferredType.String;
    }

    /// <summary>The column type written for an inferred type; a column with only missing values is text.</summary>
    public static ColumnType ToColumnType(this InferredType type) => type switch
    {
        InferredType.Boolean => ColumnType.Boolean,
        InferredType.Int64 => ColumnType.Int64,
        InferredType.Double => ColumnType.Double,
        _ => ColumnType.String,
    };

    public static InferredType FromColumnType(ColumnType type) => type switch
    {
        ColumnType.Boolean => InferredType.Boolean,
        ColumnType.Int64 => InferredType.Int64,
        ColumnType.Double => InferredType.Double,
        _ => InferredType.String,
    };
}
