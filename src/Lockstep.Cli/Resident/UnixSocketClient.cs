using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using System.Text;

namespace Lockstep.Cli.Resident;

/// <summary>
/// The client's end of the resident socket, on the C library's socket calls. Not
/// <see cref="System.Net.Sockets.Socket"/>: its first use in a process loads four assemblies and
/// starts the sockets telemetry event source (System.Diagnostics.Tracing and the thread pool's
/// event machinery), ≈ 10 ms of a command that is otherwise only the runtime's start
/// (bench/core/RESULTS-core.md, session 9). Linux only (the layout of sockaddr_un).
/// </summary>
[SupportedOSPlatform("linux")]
internal static unsafe partial class UnixSocketClient
{
    private const int AfUnix = 1;
    private const int SockStream = 1;
    private const int SockCloexec = 0x80000;
    private const int Eintr = 4;
    private const int SunPathLength = 108;

    /// <summary>
    /// Sends <paramref name="request"/> to the socket at <paramref name="path"/> and returns the
    /// answer's payload; null with <paramref name="connected"/> false when nobody listens there, null
    /// with it true when the connection broke or the answer was not a whole frame.
    /// </summary>
    public static byte[]? Exchange(string path, byte[] request, out bool connected)
    {
        connected = false;
        var fd = socket(AfUnix, SockStream | SockCloexec, 0);
        if (fd < 0)
        {
            return null;
        }
        try
        {
            // struct sockaddr_un { sa_family_t sun_family; char sun_path[108]; }
            var address = stackalloc byte[2 + SunPathLength];
            new Span<byte>(address, 2 + SunPathLength).Clear();
            *(ushort*)address = AfUnix;
            var pathBytes = Encoding.UTF8.GetBytes(path);
            if (pathBytes.Length >= SunPathLength)
            {
                return null;
            }
            pathBytes.CopyTo(new Span<byte>(address + 2, SunPathLength));
            if (connect(fd, address, 2 + pathBytes.Length + 1) != 0)
            {
                return null;
            }
            connected = true;
            if (!WriteAll(fd, request))
            {
                return null;
            }
            var header = new byte[4];
            if (!ReadAll(fd, header))
            {
                return null;
            }
            var length = BitConverter.ToInt32(header);
            if (length is < 4 or > ResidentProtocol.MaxFrame)
            {
                return null;
            }
            var payload = new byte[length];
            return ReadAll(fd, payload) ? payload : null;
        }
        finally
        {
            _ = close(fd);
        }
    }

    /// <summary>Writes all of <paramref name="bytes"/> to a descriptor (the socket, or stdout and stderr for the answer).</summary>
    public static bool WriteAll(int fd, ReadOnlySpan<byte> bytes)
    {
        fixed (byte* start = bytes)
        {
            return Transfer(fd, start, bytes.Length, writing: true);
        }
    }

    private static bool ReadAll(int fd, Span<byte> into)
    {
        fixed (byte* start = into)
        {
            return Transfer(fd, start, into.Length, writing: false);
        }
    }

    /// <summary>Reads or writes exactly <paramref name="length"/> bytes, retrying after a signal; false at an error or the end of the stream.</summary>
    private static bool Transfer(int fd, byte* start, int length, bool writing)
    {
        var done = 0;
        while (done < length)
        {
            var n = writing ? write(fd, start + done, length - done) : read(fd, start + done, length - done);
            if (n < 0 && Marshal.GetLastPInvokeError() == Eintr)
            {
                continue;
            }
            if (n <= 0)
            {
                return false;
            }
            done += (int)n;
        }
        return true;
    }

    /// <summary>The width in columns of the terminal on <paramref name="fd"/>, or 0 if it is not one (TIOCGWINSZ).</summary>
    public static int TerminalColumns(int fd)
    {
        // struct winsize { unsigned short ws_row, ws_col, ws_xpixel, ws_ypixel; }
        var size = stackalloc ushort[4];
        return ioctl(fd, TiocGWinSz, size) == 0 ? size[1] : 0;
    }

    private const nuint TiocGWinSz = 0x5413;

    [LibraryImport("libc", SetLastError = true)]
    private static partial int ioctl(int fd, nuint request, ushort* argument);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int socket(int domain, int type, int protocol);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int connect(int fd, byte* address, int length);

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint write(int fd, byte* buffer, nint count);

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint read(int fd, byte* buffer, nint count);

    [LibraryImport("libc")]
    private static partial int close(int fd);
}
