using System.Net.Sockets;
using Google.Protobuf;
using Mosix.Shim.Wire;

namespace Mosix.Shim.Local;

/// <summary>
/// A command's connection to its node's agent through the control socket: one request frame, one
/// reply frame (docs/protocol.md, "Local control").
/// </summary>
public sealed class AgentClient : IAsyncDisposable
{
    private readonly FrameStream _frames;

    private AgentClient(FrameStream frames) => _frames = frames;

    /// <summary>Connects to the agent of <paramref name="state"/>.</summary>
    /// <exception cref="AgentUnreachableException">No agent listens there, or we may not reach it.</exception>
    public static async Task<AgentClient> ConnectAsync(StateDirectory state, CancellationToken cancel)
    {
        string path = state.ControlSocket;
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), cancel);
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw new AgentUnreachableException(Explain(state, e));
        }
        return new AgentClient(new FrameStream(new NetworkStream(socket, ownsSocket: true)));
    }

    /// <summary>Sends one request and returns the reply, which must be of <paramref name="replyKind"/>.</summary>
    /// <exception cref="AgentUnreachableException">The agent answered with an error or went away.</exception>
    public async Task<T> AskAsync<T>(MessageKind kind, IMessage request, MessageKind replyKind, MessageParser<T> parser, CancellationToken cancel)
        where T : IMessage<T>
    {
        try
        {
            await _frames.WriteAsync(kind, request, cancel);
            var frame = await _frames.ReadAsync(cancel) ?? throw new AgentUnreachableException("the agent closed the connection without a reply");
            if (frame.Kind == MessageKind.ControlError)
                throw new AgentUnreachableException(frame.Read(ControlErrorParser).Message);
            if (frame.Kind != replyKind)
                throw new AgentUnreachableException($"the agent answered {FrameStream.Describe(frame.Kind)} instead of {replyKind}");
            return frame.Read(parser);
        }
        catch (Exception e) when (e is IOException or SocketException or FrameException)
        {
            throw new AgentUnreachableException($"lost the agent: {e.Message}");
        }
    }

    /// <summary>
    /// Waits for the next frame on a held connection (a queued job's start); null when the agent
    /// closes it.
    /// </summary>
    public async Task<T?> NextAsync<T>(MessageKind kind, MessageParser<T> parser, CancellationToken cancel)
        where T : class, IMessage<T>
    {
        try
        {
            var frame = await _frames.ReadAsync(cancel);
            if (frame is null)
                return null;
            if (frame.Value.Kind != kind)
                throw new AgentUnreachableException($"the agent sent {FrameStream.Describe(frame.Value.Kind)} instead of {kind}");
            return frame.Value.Read(parser);
        }
        catch (Exception e) when (e is IOException or SocketException or FrameException)
        {
            throw new AgentUnreachableException($"lost the agent: {e.Message}");
        }
    }

    public ValueTask DisposeAsync() => _frames.DisposeAsync();

    private static MessageParser<Wire.Messages.ControlError> ControlErrorParser => Wire.Messages.ControlError.Parser;

    private static string Explain(StateDirectory state, SocketException e) => e.SocketErrorCode switch
    {
        SocketError.AccessDenied => $"may not reach the agent of {state.Path}: permission denied (another user's?)",
        SocketError.AddressNotAvailable or SocketError.ConnectionRefused =>
            $"no mosixd is running for {state.Path} (start one with: mosixd --state {state.Path})",
        _ => $"cannot reach the agent of {state.Path}: {e.Message}",
    };
}
