using System.Text;
using System.Text.Json;

namespace Lockstep.Data.Ingest;

/// <summary>
/// The rejects artifact: one JSON object per skipped row (<c>line</c>, <c>offset</c>, <c>reason</c>,
/// <c>record</c>), in source order. Invalid UTF-8 bytes in a record are written as U+FFFD. An
/// ingest with no rejects writes an empty file (the runner needs every declared output).
/// </summary>
internal sealed class RejectsWriter : IAsyncDisposable
{
    private readonly FileStream? _stream;
    private readonly Utf8JsonWriter? _json;
    private static readonly byte[] NewLine = "\n"u8.ToArray();

    public RejectsWriter(string? path)
    {
        if (path is null)
        {
            return;
        }
        _stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None);
        _json = new Utf8JsonWriter(_stream, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
    }

    public long Count { get; private set; }

    public void Add(long line, long offset, string reason, ReadOnlySpan<byte> record)
    {
        Count++;
        if (_json is null)
        {
            return;
        }
        _json.Reset();
        _json.WriteStartObject();
        _json.WriteNumber("line", line);
        _json.WriteNumber("offset", offset);
        _json.WriteString("reason", reason);
        _json.WriteString("record", Encoding.UTF8.GetString(record));
        _json.WriteEndObject();
        _json.Flush();
        _stream!.Write(NewLine);
    }

    public async ValueTask DisposeAsync()
    {
        if (_json is not null)
        {
            await _json.DisposeAsync().ConfigureAwait(false);
        }
        if (_stream is not null)
        {
            await _stream.DisposeAsync().ConfigureAwait(false);
        }
    }
}
