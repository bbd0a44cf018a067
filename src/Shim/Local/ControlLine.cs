using System.Net.Sockets;
using System.Text;

namespace Mosix.Shim.Local;

/// <summary>
/// The local control protocol between a command (<c>migrate</c>) and a process's mosrun, over its
/// Unix socket: one request line, one reply line (docs/protocol.md, "Local control").
/// </summary>
/// <remarks>
/// <code>
///   request:  VERB [ARGUMENT...]\n        e.g. "checkpoint", "chkstop", "chkexit"
///   reply:    ok MESSAGE\n | error MESSAGE\n
/// </code>
/// Lines are UTF-8 and at most <see cref="MaxLine"/> bytes; a longer line closes the connection.
/// Blocking calls only: requests are rare, and both ends are plain threads.
/// </remarks>
public static class ControlLine
{
    public const int MaxLine = 4096;

    /// <summary>Sends <paramref name="request"/> to the socket at <paramref name="path"/> and returns the reply.</summary>
    /// <param name="timeout">How long to wait for the reply (a checkpoint of a large process takes a while).</param>
    public static Reply Ask(string path, string request, TimeSpan timeout)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Connect(new UnixDomainSocketEndPoint(path));
        socket.ReceiveTimeout = (int)timeout.TotalMilliseconds;
        using var stream = new NetworkStream(socket, ownsSocket: false);
        WriteLine(stream, request);
        string line = ReadLine(stream) ?? throw new IOException("the process's mosrun closed the connection without a reply");
        return Reply.Parse(line);
    }

    /// <summary>Reads one line (without its newline), or null at end of stream; blocking, for a server thread.</summary>
    public static string? ReadLine(Stream stream)
    {
        var buffer = new byte[MaxLine];
        int length = 0;
        while (length < buffer.Length)
        {
            int n = stream.Read(buffer, length, 1);
            if (n == 0)
                return length == 0 ? null : Encoding.UTF8.GetString(buffer, 0, length);
            if (buffer[length] == (byte)'\n')
                return Encoding.UTF8.GetString(buffer, 0, length);
            length++;
        }
        throw new InvalidDataException("control line too long");
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
