using System.Text;

namespace Lockstep.Data.Ingest;

/// <summary>The set of field texts that mean "missing", compared as UTF-8 bytes.</summary>
internal sealed class MissingMarkers
{
    private readonly byte[][] _markers;
    private readonly int _maxLength;

    public MissingMarkers(IEnumerable<string> markers)
    {
        _markers = markers.Select(Encoding.UTF8.GetBytes).ToArray();
        _maxLength = _markers.Length == 0 ? -1 : _markers.Max(m => m.Length);
    }

    // The length test is inlined at every field; most values are longer than every marker.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public bool IsMissing(ReadOnlySpan<byte> field) => field.Length <= _maxLength && Matches(field);

    private bool Matches(ReadOnlySpan<byte> field)
    {
        foreach (var m in _markers)
        {
            if (field.SequenceEqual(m))
            {
                return true;
            }
        }
        return false;
    }
}
