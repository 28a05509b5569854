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

    public bool IsMissing(ReadOnlySpan<byte> field)
    {
        if (field.Length > _maxLength)
        {
            return false;
        }
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
