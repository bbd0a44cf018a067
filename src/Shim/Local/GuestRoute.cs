using System.Net.Sockets;
using Mosix.Shim.Wire;
using Mosix.Shim.Wire.Messages;

namespace Mosix.Shim.Local;

/// <summary>
/// A process's way to another node: mosrun sends a GuestOffer to its node's agent on the control
/// socket; the agent finds the target and agrees a channel key with it; once the target accepts,
/// mosrun dials the guest host's <see cref="GuestChannel"/> itself (docs/protocol.md, "Migration").
/// </summary>
public static class GuestRoute
{
    /// <summary>Opens the route; blocking (mosrun's migration threads do not await).</summary>
    /// <exception cref="AgentUnreachableException">No agent, or it or the target refused, or the guest host cannot be reached; the message says which and why.</exception>
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
        using var control = new FrameStream(new NetworkStream(socket, ownsSocket: true));
        GuestAccepted accepted;
        try
        {
            control.Write(MessageKind.GuestOffer, offer);
            var reply = control.Read() ?? throw new AgentUnreachableException("the agent closed the connection without an answer");
            if (reply.Kind == MessageKind.ControlError)
                throw new AgentUnreachableException(reply.Read(ControlError.Parser).Message);
            if (reply.Kind != MessageKind.GuestAccepted)
                throw new AgentUnreachableException($"the agent answered {FrameStream.Describe(reply.Kind)} to an offer");
            accepted = reply.Read(GuestAccepted.Parser);
        }
        catch (Exception e) when (e is IOException or SocketException or FrameException)
        {
            throw new AgentUnreachableException($"lost the agent: {e.Message}");
        }
        try
        {
            var frames = GuestChannel.Dial(accepted.Channel, accepted.ChannelKey.Span, offer.HomePid);
            return (frames, accepted);
        }
        catch (IOException e)
        {
            throw new AgentUnreachableException($"{accepted.Node} accepted the process, but {e.Message}");
        }
    }
}
