using System.Net;
using System.Net.Sockets;
using Mosix.Shim.Security;
using Mosix.Shim.Wire.Messages;

namespace Mosix.Shim.Wire;

/// <summary>
/// The connection between a process's home (mosrun) and its guest host once the target accepted:
/// plain TCP from one to the other, sealed with the key the two agents agreed
/// (<see cref="SealedStream"/>), carrying frames. Neither agent relays it, so a forwarded call
/// costs one network round trip and an image streams at the speed of the two ends.
/// </summary>
/// <remarks>
/// Blocking sockets throughout: both ends use the channel from dedicated threads (a tracer thread
/// among them) that must not await. Keep-alive probes find a vanished peer within about 20 s
/// even when nothing is being said.
/// </remarks>
public static class GuestChannel
{
    /// <summary>Frames may carry a forwarded call's 16 MiB buffer.</summary>
    public const int MaxPayload = 32 << 20;

    /// <summary>How long a guest host waits for its home to dial, and a connection to say hello.</summary>
    public static readonly TimeSpan DialPatience = TimeSpan.FromSeconds(30);

    /// <summary>Home's side: connects to the guest host at <paramref name="endpoint"/> and says hello.</summary>
    /// <exception cref="IOException">Cannot connect, or the connection failed at once.</exception>
    public static FrameStream Dial(string endpoint, ReadOnlySpan<byte> key, uint homePid)
    {
        if (!IPEndPoint.TryParse(endpoint, out var address) || address.Port == 0)
            throw new IOException($"the target gave an unusable channel address '{endpoint}'");
        var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            Configure(socket);
            // A blocking connect, bounded by SO_SNDTIMEO: an async one would leave the socket in
            // .NET's emulated-blocking mode, which costs every later call a thread hand-off.
            socket.SendTimeout = (int)DialPatience.TotalMilliseconds;
            socket.Connect(address);
            socket.SendTimeout = 0;
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw new IOException($"cannot reach the guest host at {endpoint}: {e.Message}");
        }
        var frames = Open(socket, key, dialer: true);
        frames.Write(MessageKind.ChannelHello, new ChannelHello { ProtocolVersion = ProtocolVersion.Current, HomePid = homePid });
        return frames;
    }

    /// <summary>The guest host's side: a listening socket, then the one connection that proves it has the key.</summary>
    public sealed class Listener : IDisposable
    {
        private readonly Socket _socket;

        /// <param name="address">The address the home agent reached this node's agent by.</param>
        public Listener(IPAddress address)
        {
            _socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                _socket.Bind(new IPEndPoint(address, 0));
                _socket.Listen(4);
            }
            catch
            {
                _socket.Dispose();
                throw;
            }
        }

        public int Port => ((IPEndPoint)_socket.LocalEndPoint!).Port;

        /// <summary>
        /// Takes connections until one opens with a hello sealed by <paramref name="key"/>; others
        /// (a port scan, a stale home, somebody guessing) are closed and forgotten.
        /// </summary>
        /// <exception cref="TimeoutException">Home did not come within <see cref="DialPatience"/>.</exception>
        public (FrameStream Frames, ChannelHello Hello) Accept(ReadOnlySpan<byte> key)
        {
            var deadline = DateTime.UtcNow + DialPatience;
            while (true)
            {
                var left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero || !_socket.Poll(left, SelectMode.SelectRead))
                    throw new TimeoutException($"home did not connect within {DialPatience.TotalSeconds:0} s");
                var client = _socket.Accept();
                Configure(client);
                client.ReceiveTimeout = (int)Math.Max(1, left.TotalMilliseconds);
                var frames = Open(client, key, dialer: false);
                try
                {
                    if (frames.Read() is { Kind: MessageKind.ChannelHello } hello)
                    {
                        client.ReceiveTimeout = 0;
                        return (frames, hello.Read(ChannelHello.Parser));
                    }
                }
                catch (Exception e) when (e is IOException or FrameException or SocketException)
                {
                    // Not our home: the record did not open with the key, or the connection broke.
                }
                frames.Dispose();
            }
        }

        public void Dispose() => _socket.Dispose();
    }

    private static FrameStream Open(Socket socket, ReadOnlySpan<byte> key, bool dialer) =>
        new(new SealedStream(new NetworkStream(socket, ownsSocket: true), key, dialer), MaxPayload);

    /// <summary>Socket buffers big enough that an image streams without the sender waiting on each record.</summary>
    private const int StreamBuffer = 4 << 20;

    private static void Configure(Socket socket)
    {
        socket.NoDelay = true; // calls are small and someone waits for each
        socket.SendBufferSize = StreamBuffer;
        socket.ReceiveBufferSize = StreamBuffer;
        socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
        socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime, 10);
        socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveInterval, 3);
        socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveRetryCount, 3);
    }
}
