using System.Net.Sockets;
using System.Text;

namespace Mosix.Shim.Local;

/// <summary>
/// The local control protocol between a command (<c>migrate</c>) and a process's mosrun, over its
/// Unix socket: one request line, one reply line (docs/protocol.md, "Local control").
/// </summary>
/// <remarks>
/// <code>
///   request:  [pid PID] VERB [ARGUMENT...]\n   e.g. "checkpoint", "pid 4242 move node2"
///   reply:    ok MESSAGE\n | error MESSAGE\n
/// </code>
/// A request names the process of mosrun's tree it is for with <c>pid PID</c>; without it, it is
/// for the program mosrun started. Requests are UTF-8 and at most <see cref="MaxLine"/> bytes,
/// replies at most <see cref="MaxReply"/> (a tree's listing); a longer line closes the connection.
/// Blocking calls only: requests are rare, and both ends are plain threads.
/// </remarks>
public static class ControlLine
{
    public const int MaxLine = 4096;

    /// <summary>The longest reply: "members" of a tree of a few thousand processes.</summary>
    public const int MaxReply = 1 << 20;

    /// <summary>The request <paramref name="request"/> addressed to process <paramref name="pid"/> of a tree.</summary>
    public static string For(int pid, string request) => $"pid {pid} {request}";

    /// <summary>Splits <c>pid PID REQUEST</c>; false for a request without an address.</summary>
    public static bool Addressed(string request, out int pid, out string rest)
    {
        pid = 0;
        rest = request;
        var parts = request.Split(' ', 3);
        if (parts.Length < 3 || parts[0] != "pid" || !int.TryParse(parts[1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out pid))
            return false;
        rest = parts[2];
        return true;
    }

    /// <summary>Sends <paramref name="request"/> to the socket at <paramref name="path"/> and returns the reply.</summary>
    /// <param name="timeout">How long to wait for the reply (a checkpoint of a large process takes a while).</param>
    /// <param name="notIfStopped">Fail at once when the mosrun is stopped (its program was stopped, and it
    /// with it, as a shell job stops): it could only answer once continued.</param>
    public static Reply Ask(string path, string request, TimeSpan timeout, bool notIfStopped = false)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Connect(new UnixDomainSocketEndPoint(path));
        if (notIfStopped && ServerPid(socket) is { } server && IsStopped(server))
            throw new IOException($"its mosrun (pid {server}) is stopped, with its program; continue it first (fg, or kill -CONT {server})");
        socket.ReceiveTimeout = (int)timeout.TotalMilliseconds;
        using var stream = new NetworkStream(socket, ownsSocket: false);
        WriteLine(stream, request);
        string line = ReadLine(stream, MaxReply) ?? throw new IOException("the process's mosrun closed the connection without a reply");
        return Reply.Parse(line);
    }

    /// <summary>The pid of the process that listens at the other end (SO_PEERCRED), or null.</summary>
    private static int? ServerPid(Socket socket)
    {
        const int SOL_SOCKET = 1, SO_PEERCRED = 17;
        Span<byte> credentials = stackalloc byte[12]; // struct ucred: pid, uid, gid
        int length = socket.GetRawSocketOption(SOL_SOCKET, SO_PEERCRED, credentials);
        int pid = length >= 4 ? BitConverter.ToInt32(credentials) : 0;
        return pid > 0 ? pid : null;
    }

    /// <summary>State T in /proc/PID/stat: stopped by a signal.</summary>
    private static bool IsStopped(int pid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            int after = stat.LastIndexOf(')');
            return after > 0 && after + 2 < stat.Length && stat[after + 2] == 'T';
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>
    /// Reads one line (without its newline), or null at end of stream; blocking, for a server
    /// thread. A connection carries one line each way, so whatever follows the newline is dropped.
    /// </summary>
    public static string? ReadLine(Stream stream, int limit = MaxLine)
    {
        var buffer = new byte[Math.Min(limit, 4096)];
        int length = 0;
        while (true)
        {
            if (length == buffer.Length)
            {
                if (buffer.Length >= limit)
                    throw new InvalidDataException("control line too long");
                Array.Resize(ref buffer, Math.Min(limit, buffer.Length * 4));
            }
            int n = stream.Read(buffer, length, buffer.Length - length);
            if (n == 0)
                return length == 0 ? null : Encoding.UTF8.GetString(buffer, 0, length);
            int newline = Array.IndexOf(buffer, (byte)'\n', length, n);
            if (newline >= 0)
                return Encoding.UTF8.GetString(buffer, 0, newline);
            length += n;
        }
    }

    /// <summary>Writes one line; blocking, for a server thread.</summary>
    public static void WriteLine(Stream stream, string line) =>
        stream.Write(Encoding.UTF8.GetBytes(line.Replace('\n', ' ') + "\n"));

    /// <summary>One reply: success or failure, and the message for the user.</summary>
    public sealed record Reply(bool Ok, string Message)
    {
        public static Reply Parse(string line) =>
            line.StartsWith("ok", StringComparison.Ordinal) ? new(true, line.Length > 3 ? line[3..] : "")
            : new(false, line.StartsWith("error ", StringComparison.Ordinal) ? line[6..] : line);

        public override string ToString() => (Ok ? "ok " : "error ") + Message;
    }
}
