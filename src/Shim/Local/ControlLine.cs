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
/// </remarks>
public static class ControlLine
{
    public const int MaxLine = 4096;

    /// <summary>Sends <paramref name="request"/> to the socket at <paramref name="path"/> and returns the reply.</summary>
    public static async Task<Reply> AskAsync(string path, string request, TimeSpan timeout)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        using var cancel = new CancellationTokenSource(timeout);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), cancel.Token);
        await socket.SendAsync(Encoding.UTF8.GetBytes(request + "\n"), SocketFlags.None, cancel.Token);
        string line = await ReadLineAsync(socket, cancel.Token) ?? throw new IOException("the process's mosrun closed the connection without a reply");
        return Reply.Parse(line);
    }

    /// <summary>Reads one line (without its newline), or null at end of stream.</summary>
    public static async Task<string?> ReadLineAsync(Socket socket, CancellationToken cancel)
    {
        var buffer = new byte[MaxLine];
        int length = 0;
        while (length < buffer.Length)
        {
            int n = await socket.ReceiveAsync(buffer.AsMemory(length, 1), SocketFlags.None, cancel);
            if (n == 0)
                return length == 0 ? null : Encoding.UTF8.GetString(buffer, 0, length);
            if (buffer[length] == (byte)'\n')
                return Encoding.UTF8.GetString(buffer, 0, length);
            length++;
        }
        throw new InvalidDataException("control line too long");
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

    public static Task SendLineAsync(Socket socket, string line, CancellationToken cancel) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(line.Replace('\n', ' ') + "\n"), SocketFlags.None, cancel).AsTask();

    /// <summary>One reply: success or failure, and the message for the user.</summary>
    public sealed record Reply(bool Ok, string Message)
    {
        public static Reply Parse(string line) =>
            line.StartsWith("ok", StringComparison.Ordinal) ? new(true, line.Length > 3 ? line[3..] : "")
            : new(false, line.StartsWith("error ", StringComparison.Ordinal) ? line[6..] : line);

        public override string ToString() => (Ok ? "ok " : "error ") + Message;
    }
}
