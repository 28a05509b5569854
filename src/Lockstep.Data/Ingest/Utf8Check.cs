using System.Buffers;
using System.Text;

namespace Lockstep.Data.Ingest;

internal static class Utf8Check
{
    /// <summary>Index of the first byte that is not valid UTF-8, or -1.</summary>
    public static int FirstInvalid(ReadOnlySpan<byte> bytes)
    {
        if (System.Text.Unicode.Utf8.IsValid(bytes))
        {
            return -1;
        }
        var i = 0;
        while (i < bytes.Length)
        {
            if (Rune.DecodeFromUtf8(bytes[i..], out _, out var consumed) != OperationStatus.Done)
            {
                return i;
            }
            i += consumed;
        }
        return -1;
    }
}
