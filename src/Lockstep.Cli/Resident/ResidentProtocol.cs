using System.Net.Sockets;
using System.Text;

namespace Lockstep.Cli.Resident;

/// <summary>
/// The messages between a client and the resident process, over the Unix socket: a frame is a
/// 4-byte length and a payload written with <see cref="BinaryWriter"/> (a version, then strings as
/// UTF-8 with their length). Both sides are the same build (the socket's name says so); a frame of
/// another version is declined rather than misread.
/// </summary>
internal static class ResidentProtocol
{
    public const int Version = 1;
    public const int MaxFrame = 64 << 20;

    /// <summary>
    /// What the client asks: run these arguments, in this folder, with this environment, for output
    /// to a terminal of <paramref name="TerminalWidth"/> columns (0: a file or a pipe).
    /// </summary>
    internal sealed record Request(string WorkingDirectory, string[] Arguments, IReadOnlyList<KeyValuePair<string, string>> Environment, int TerminalWidth);

    /// <summary>The answer: served (exit code and the command's output), or declined (the client runs it itself).</summary>
    internal sealed record Response(bool Served, int ExitCode, string Output, string Error);

    public static byte[] Encode(Request request) => Frame(w =>
    {
        w.Write(request.WorkingDirectory);
        w.Write(request.TerminalWidth);
        w.Write(request.Arguments.Length);
        foreach (var a in request.Arguments)
        {
            w.Write(a);
        }
        w.Write(request.Environment.Count);
        foreach (var (name, value) in request.Environment)
        {
            w.Write(name);
            w.Write(value);
        }
    });

    public static Request? DecodeRequest(byte[] payload) => Decode(payload, r =>
    {
        var cwd = r.ReadString();
        var width = r.ReadInt32();
        var args = new string[Count(r)];
        for (var i = 0; i < args.Length; i++)
        {
            args[i] = r.ReadString();
        }
        var environment = new KeyValuePair<string, string>[Count(r)];
        for (var i = 0; i < environment.Length; i++)
        {
            environment[i] = new KeyValuePair<string, string>(r.ReadString(), r.ReadString());
        }
        return new Request(cwd, args, environment, width);
    });

    public static byte[] Encode(Response response) => Frame(w =>
    {
        w.Write(response.Served);
        w.Write(response.ExitCode);
        w.Write(response.Output);
        w.Write(response.Error);
    });

    public static Response? DecodeResponse(byte[] payload) =>
        Decode(payload, r => new Response(r.ReadBoolean(), r.ReadInt32(), r.ReadString(), r.ReadString()));

    /// <summary>One frame from <paramref name="socket"/> (the resident process's side): its payload, or null if the other side closed first or sent no valid length.</summary>
    public static byte[]? ReadFrame(Socket socket)
    {
        Span<byte> header = stackalloc byte[4];
        if (!ReadExactly(socket, header))
        {
            return null;
        }
        var length = BitConverter.ToInt32(header);
        if (length is < 4 or > MaxFrame)
        {
            return null;
        }
        var payload = new byte[length];
        return ReadExactly(socket, payload) ? payload : null;
    }

    public static void WriteFrame(Socket socket, byte[] frame)
    {
        var sent = 0;
        while (sent < frame.Length)
        {
            sent += socket.Send(frame, sent, frame.Length - sent, SocketFlags.None);
        }
    }

    private static int Count(BinaryReader reader)
    {
        var n = reader.ReadInt32();
        return n is >= 0 and <= 1 << 20 ? n : throw new InvalidDataException($"a count of {n} in a resident message");
    }

    /// <summary>A whole frame: the payload's length, then the payload (the version, then <paramref name="body"/>).</summary>
    private static byte[] Frame(Action<BinaryWriter> body)
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(0);
            writer.Write(Version);
            body(writer);
        }
        var frame = buffer.ToArray();
        BitConverter.TryWriteBytes(frame.AsSpan(0, 4), frame.Length - 4);
        return frame;
    }

    private static T? Decode<T>(byte[] payload, Func<BinaryReader, T> body) where T : class
    {
        using var reader = new BinaryReader(new MemoryStream(payload), Encoding.UTF8);
        return reader.ReadInt32() == Version ? body(reader) : null;
    }

    private static bool ReadExactly(Socket socket, Span<byte> into)
    {
        var read = 0;
        while (read < into.Length)
        {
            var n = socket.Receive(into[read..], SocketFlags.None);
            if (n == 0)
            {
                return false;
            }
            read += n;
        }
        return true;
    }
}
