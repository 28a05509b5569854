namespace Lockstep.Data.Ingest;

/// <summary>Spaces and tabs around a field ('trim: true').</summary>
internal static class Blanks
{
    /// <summary>The field without leading and trailing spaces and tabs. Hand-written because the
    /// general <c>Trim(ReadOnlySpan)</c> overload costs a set lookup per byte, and this runs for every field.</summary>
    public static ReadOnlySpan<byte> Trim(ReadOnlySpan<byte> field)
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
