namespace Lockstep.Data.Ingest;

/// <summary>Spaces and tabs around a field ('trim: true').</summary>
internal static class Blanks
{
    /// <summary>The field without leading and trailing spaces and tabs. Hand-written because the
    /// general <c>Trim(ReadOnlySpan)</c> overload costs a set lookup per byte, and this runs for every field.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public static ReadOnlySpan<byte> Trim(ReadOnlySpan<byte> field) =>
        // Most fields have no blank at either end: two compares, inlined at every field.
        field.IsEmpty || (field[0] is not ((byte)' ' or (byte)'\t') && field[^1] is not ((byte)' ' or (byte)'\t')) ? field : TrimSlow(field);

    private static ReadOnlySpan<byte> TrimSlow(ReadOnlySpan<byte> field)
    {
        var start = 0;
        var end = field.Length;
        while (start < end && field[start] is (byte)' ' or (byte)'\t')
        {
            start++;
        }
        while (end > start && field[end - 1] is (byte)' ' or (byte)'\t')
        {
            end--;
        }
        return field[start..end];
    }
}
