using Lockstep.Errors;
using Lockstep.Hashing;
using Lockstep.Serving.Logging;
using Lockstep.Storage;

namespace Lockstep.Serving.Batch;

/// <summary>
/// A batch run's input file stored once in the object store, by content hash, while the run scores
/// it (format 3 blocks refer to its lines by position). Storing starts on the thread pool when the
/// file is opened, so it does not sit in front of scoring; the log's writer waits for it before the
/// run's first commit (<see cref="PredictionLog.AppendAsync(PredictionBlock, Task{LoggedInput})"/>).
/// A file already in the store (scoring the same file again) is hashed, not copied.
/// <para>
/// The lines' positions are what scoring read only if the file did not change while it was read.
/// Checked cheaply: its size and last-write time are taken when it is opened and compared after
/// it is stored (before the first commit) and after the last line is read; the object is the
/// bytes hashed before it was copied (same hash); and the position after the last line equals the
/// file's size. A change refuses the run with a message naming the file, and a run refused after
/// some of its blocks were committed has them removed (<see cref="PredictionLog.DiscardAsync"/>).
/// </para>
/// </summary>
internal sealed class StoredInput
{
    private readonly string _path;
    private readonly long _length;
    private readonly DateTime _written;

    private StoredInput(string path, long length, DateTime written, long firstByte)
    {
        _path = path;
        _length = length;
        _written = written;
        FirstByte = firstByte;
    }

    /// <summary>Where the first line starts: 3 after a UTF-8 byte order mark (which the reader skips), else 0.</summary>
    public long FirstByte { get; }

    /// <summary>The file stored and checked, as the log records it.</summary>
    public Task<LoggedInput> Stored { get; private set; } = null!;

    /// <summary>
    /// Starts storing <paramref name="file"/> (just opened, not read yet); null when its lines
    /// cannot be placed by byte position: a stream that cannot be re-read (a pipe, a device) or a
    /// file the reader decodes as UTF-16 or UTF-32 (byte order mark). Those runs log format 2.
    /// </summary>
    public static StoredInput? TryStart(IObjectStore objects, FileStream file, string path, string runId, CancellationToken cancellationToken)
    {
        if (!file.CanSeek || !File.Exists(path))
        {
            return null;
        }
        Span<byte> head = stackalloc byte[4];
        head = head[..RandomAccess.Read(file.SafeFileHandle, head, 0)];
        if (head.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]) || head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]) || head.StartsWith((ReadOnlySpan<byte>)[0x00, 0x00, 0xFE, 0xFF]))
        {
            return null;
        }
        var input = new StoredInput(path, file.Length, File.GetLastWriteTimeUtc(path), head.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? 3 : 0);
        input.Stored = Task.Run(() => input.StoreAsync(objects, runId, cancellationToken), cancellationToken);
        return input;
    }

    private async Task<LoggedInput> StoreAsync(IObjectStore objects, string runId, CancellationToken cancellationToken)
    {
        BatchWorker.Mark("input store start");
        ContentHash hash;
        try
        {
            hash = await ContentHasher.HashFileAsync(_path, cancellationToken).ConfigureAwait(false);
            if (!objects.Exists(hash))
            {
                var stored = await objects.PutFileAsync(_path, cancellationToken).ConfigureAwait(false);
                if (stored.Hash != hash)
                {
                    throw Changed();
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new LockstepException($"cannot store the input file {_path} for the prediction log: {e.Message}", e);
        }
        CheckUnchanged();
        BatchWorker.Mark("input stored");
        return new LoggedInput(runId, hash.Hex, Path.GetFullPath(_path), _length);
    }

    /// <summary>
    /// After the last line is read: the file is as it was when opened, and the reading ended at its
    /// last byte (<paramref name="end"/>, −1 when the lines stopped being placed).
    /// </summary>
    public void CheckRead(long end)
    {
        CheckUnchanged();
        if (end >= 0 && end != _length)
        {
            throw new LockstepException($"the input file {_path} read as {end} bytes of lines but has {_length}: it changed while it was scored; score it again once it is no longer written to");
        }
    }

    private void CheckUnchanged()
    {
        var info = new FileInfo(_path);
        if (!info.Exists || info.Length != _length || info.LastWriteTimeUtc != _written)
        {
            throw Changed();
        }
    }

    private LockstepException Changed() =>
        new($"the input file {_path} changed while it was scored (its size, last-write time or content differ from when it was opened); nothing of this run was logged: score it again once it is no longer written to");
}
