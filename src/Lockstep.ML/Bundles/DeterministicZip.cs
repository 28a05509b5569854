using System.IO.Compression;

namespace Lockstep.ML.Bundles;

/// <summary>
/// Zip archives whose bytes depend only on their entries: entries in the given order, every
/// timestamp fixed at 1980-01-01 (the zip format's epoch), no extra fields. ML.NET stamps its
/// model zips with the current time, so its output is rewritten through here.
/// </summary>
public static class DeterministicZip
{
    private static readonly DateTimeOffset Epoch = new(1980, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Writes the entries, in order; already-compressed entries (".zip") are stored, others deflated.</summary>
    public static byte[] Write(IEnumerable<KeyValuePair<string, byte[]>> entries)
    {
        using var output = new MemoryStream();
        using (var archive = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, bytes) in entries)
            {
                var level = name.EndsWith(".zip", StringComparison.Ordinal) ? CompressionLevel.NoCompression : CompressionLevel.Optimal;
                var entry = archive.CreateEntry(name, level);
                entry.LastWriteTime = Epoch;
                using var stream = entry.Open();
                stream.Write(bytes);
            }
        }
        return output.ToArray();
    }

    /// <summary>Every entry of a zip, in archive order.</summary>
    public static List<KeyValuePair<string, byte[]>> Read(Stream zip)
    {
        using var archive = new ZipArchive(zip, ZipArchiveMode.Read, leaveOpen: true);
        var result = new List<KeyValuePair<string, byte[]>>(archive.Entries.Count);
        foreach (var entry in archive.Entries)
        {
            using var stream = entry.Open();
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            result.Add(new(entry.FullName, copy.ToArray()));
        }
        return result;
    }

    /// <summary>The same entries in the same order, with the timestamps fixed.</summary>
    public static byte[] Normalize(byte[] zip)
    {
        using var input = new MemoryStream(zip);
        return Write(Read(input));
    }
}
