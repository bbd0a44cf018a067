using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using Mosix.Shim.Security;

namespace Mosix.Tests.Agent;

/// <summary>A hand-driven client of an agent's links port, for feeding it what no agent would send.</summary>
internal sealed class RawPeer : IDisposable
{
    private readonly Socket _socket;

    private RawPeer(Socket socket, Stream stream)
    {
        _socket = socket;
        Stream = stream;
    }

    public Stream Stream { get; }

    /// <summary>A plain TCP connection: what it sends meets the TLS handshake.</summary>
    public static RawPeer Tcp(int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Connect(new IPEndPoint(IPAddress.Loopback, port));
        return new RawPeer(socket, new NetworkStream(socket, ownsSocket: false));
    }

    /// <summary>TLS 1.3 with <paramref name="credentials"/> (or no client certificate at all); the agent's certificate is not checked.</summary>
    public static RawPeer Tls(int port, NodeCredentials? credentials)
    {
        var peer = Tcp(port);
        var tls = new SslStream(peer.Stream, leaveInnerStreamOpen: false);
        var options = new SslClientAuthenticationOptions
        {
            TargetHost = "mosix",
            EnabledSslProtocols = SslProtocols.Tls13,
            RemoteCertificateValidationCallback = (_, _, _, _) => true,
        };
        if (credentials is not null)
            options.ClientCertificateContext = SslStreamCertificateContext.Create(credentials.Node, [credentials.Ca], offline: true);
        tls.AuthenticateAsClient(options);
        return new RawPeer(peer._socket, tls);
    }

    public void Send(byte[] bytes)
    {
        Stream.Write(bytes);
        Stream.Flush();
    }

    /// <summary>True when the agent closed (or reset) the connection within <paramref name="patience"/>, having sent nothing but what <paramref name="allowed"/> bytes allow.</summary>
    public bool ClosedByAgent(TimeSpan patience, out int bytesReceived)
    {
        bytesReceived = 0;
        _socket.ReceiveTimeout = (int)patience.TotalMilliseconds;
        var buffer = new byte[4096];
        var until = DateTime.UtcNow + patience;
        try
        {
            while (DateTime.UtcNow < until)
            {
                int n = Stream.Read(buffer);
                if (n == 0)
                    return true;
                bytesReceived += n;
            }
            return false;
        }
        catch (IOException e) when (e.InnerException is SocketException { SocketErrorCode: SocketError.TimedOut or SocketError.WouldBlock })
        {
            return false;
        }
        catch (Exception e) when (e is IOException or AuthenticationException)
        {
            return true;
        }
    }

    public void Dispose()
    {
        Stream.Dispose();
        _socket.Dispose();
    }
}
