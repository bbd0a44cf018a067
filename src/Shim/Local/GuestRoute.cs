using System.Net.Sockets;
using Mosix.Shim.Wire;
using Mosix.Shim.Wire.Messages;

namespace Mosix.Shim.Local;

/// <summary>
/// A process's way to another node: mosrun sends a GuestOffer to its node's agent on the control
/// socket; once the target accepts, the same connection carries the migration to the guest host,
/// relayed by both agents (docs/protocol.md, "Migration").
/// </summary>
public static class GuestRoute
{
    /// <summary>Frames between home and guest may carry a forwarded call's 16 MiB buffer.</summary>
    public const int MaxPayload = 32 << 20;

    /// <summary>Opens the route; blocking (mosrun's migration threads do not await).</summary>
    /// <exception cref="AgentUnreachableException">No agent, or it or the target refused; the message says which and why.</exception>
    public static (FrameStream Frames, GuestAccepted Guest) Open(StateDirectory state, GuestOffer offer, TimeSpan patience)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.Connect(new UnixDomainSocketEndPoint(state.ControlSocket));
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw new AgentUnreachableException(e.SocketErrorCode is SocketError.AddressNotAvailable or SocketError.ConnectionRefused
                ? $"no mosixd is running for {state.Path}: processes cannot leave this node"
                : $"cannot reach the agent of {state.Path}: {e.Message}");
        }
        socket.ReceiveTimeout = (int)patience.TotalMilliseconds;
        var frames = new FrameStream(new NetworkStream(socket, ownsSocket: true), MaxPayload);
        try
        {
            frames.Write(MessageKind.GuestOffer, offer);
            var reply = frames.Read() ?? throw new AgentUnreachableException("the agent closed the connection without an answer");
            if (reply.Kind == MessageKind.ControlError)
                throw new AgentUnreachableException(reply.Read(ControlError.Parser).Message);
            if (reply.Kind != MessageKind.GuestAccepted)
                throw new AgentUnreachableException($"the agent answered {FrameStream.Describe(reply.Kind)} to an offer");
            socket.ReceiveTimeout = 0; // from here on the guest may be quiet for as long as the program computes
            return (frames, reply.Read(GuestAccepted.Parser));
        }
        catch (Exception e) when (e is IOException or SocketException or FrameException or AgentUnreachableException)
        {
            frames.DisposeAsync().AsTask().GetAwaiter().GetResult();
            if (e is AgentUnreachableException)
                throw;
            throw new AgentUnreachableException($"lost the agent: {e.Message}");
        }
    }
}
