using System.Net;
using System.Net.Sockets;
using Mosix.Agent.Configuration;
using Mosix.Agent.Control;
using Mosix.Agent.Links;
using Mosix.Shim.Local;

namespace Mosix.Agent.Hosting;

/// <summary>
/// What must succeed before the host starts, so that each failure is one line and a non-zero exit:
/// the control socket (and with it: no other agent on this state folder), the links port, the pid file.
/// </summary>
public static class Startup
{
    private const int MaxUnixPath = 107;
    private const int SolSocket = 1;
    private const int SoReuseAddr = 2;

    /// <exception cref="StartupException">Another agent runs here, or a socket cannot be made.</exception>
    public static ControlSocket BindControl(StateDirectory state)
    {
        string path = state.ControlSocket;
        if (System.Text.Encoding.UTF8.GetByteCount(path) > MaxUnixPath)
            throw new StartupException($"the control socket path {path} is longer than {MaxUnixPath} bytes; use a shorter --state");
        if (File.Exists(path))
        {
            using var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            try
            {
                probe.Connect(new UnixDomainSocketEndPoint(path));
                throw new StartupException($"another mosixd{RunningPid(state)} already serves {state.Path}");
            }
            catch (SocketException)
            {
                File.Delete(path); // left by an agent that was killed
            }
        }
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.Bind(new UnixDomainSocketEndPoint(path));
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            socket.Listen(16);
            return new ControlSocket(socket, path);
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw new StartupException(e.SocketErrorCode == SocketError.AddressAlreadyInUse
                ? $"another mosixd{RunningPid(state)} already serves {state.Path}"
                : $"cannot make the control socket {path}: {e.Message}");
        }
    }

    /// <summary>Binds the links port; null without credentials (a one-node cluster listens nowhere).</summary>
    public static ListeningSocket BindLinks(AgentOptions options)
    {
        if (options.Listen is not { } listen)
            return new ListeningSocket(null);
        var address = listen.BindAddress()!;
        var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (address.Equals(IPAddress.IPv6Any))
                socket.DualMode = true;
            // SO_REUSEADDR alone (Linux semantics: a restart may bind over old TIME_WAIT connections,
            // never over a live listener). .NET's ReuseAddress also sets SO_REUSEPORT, which would
            // let a second agent share the port: hence the raw option.
            socket.SetRawSocketOption(SolSocket, SoReuseAddr, BitConverter.GetBytes(1));
            socket.Bind(new IPEndPoint(address, listen.Port));
            socket.Listen(128);
            return new ListeningSocket(socket);
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw new StartupException(e.SocketErrorCode == SocketError.AddressAlreadyInUse
                ? $"cannot listen on {listen}: the port is in use (another agent? choose one with --listen)"
                : $"cannot listen on {listen}: {e.Message}");
        }
    }

    public static void WritePidFile(StateDirectory state) => File.WriteAllText(state.PidFile, $"{Environment.ProcessId}\n");

    /// <summary>Removes the pid file if it is still ours.</summary>
    public static void RemovePidFile(StateDirectory state)
    {
        try
        {
            if (File.Exists(state.PidFile) && File.ReadAllText(state.PidFile).Trim() == Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture))
                File.Delete(state.PidFile);
        }
        catch (IOException)
        {
            // Not ours to worry about.
        }
    }

    private static string RunningPid(StateDirectory state)
    {
        try
        {
            return File.Exists(state.PidFile) ? $" (pid {File.ReadAllText(state.PidFile).Trim()})" : "";
        }
        catch (IOException)
        {
            return "";
        }
    }
}

/// <summary>The agent cannot start; the message is the one line it prints.</summary>
public sealed class StartupException(string message) : Exception(message);
