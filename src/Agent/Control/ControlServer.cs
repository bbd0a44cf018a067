using System.Net.Sockets;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Mosix.Agent.Logging;
using Mosix.Shim.Wire;

namespace Mosix.Agent.Control;

/// <summary>
/// The local control socket (STATE/mosixd.sock): how mosmon, mosps and mosctl reach their own
/// node's agent. Frames as on links, without TLS: request, reply, repeat (docs/protocol.md, "Local control").
/// </summary>
/// <remarks>
/// Three locks on the door: the state folder is 0700, the socket 0600, and every connection's
/// SO_PEERCRED uid must be the agent's own, so even root's commands are turned away from a user's agent.
/// </remarks>
public sealed class ControlServer(ControlSocket control, ControlAnswers answers, Migration.GuestRouting routing, HeldConnections held, ILogger<ControlServer> logger) : BackgroundService
{
    /// <summary>Control frames are small; anything larger is a confused or hostile client.</summary>
    private const int MaxPayload = 64 * 1024;

    private readonly uint _owner = SocketPeer.EffectiveUid();

    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        Log.ControlReady(logger, control.Path);
        while (!stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await control.Socket.AcceptAsync(stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (SocketException)
            {
                continue;
            }
            _ = ServeAsync(client, stop);
        }
    }

    private async Task ServeAsync(Socket client, CancellationToken stop)
    {
        await using var frames = new FrameStream(new NetworkStream(client, ownsSocket: true), MaxPayload);
        if (SocketPeer.Credentials(client) is not { } peer || peer.Uid != _owner)
        {
            var (pid, uid) = SocketPeer.Credentials(client) ?? (0, uint.MaxValue);
            Log.ControlRefused(logger, uid, pid, _owner);
            return;
        }
        try
        {
            while (await frames.ReadAsync(stop) is { } request)
            {
                if (request.Kind == MessageKind.GuestOffer)
                {
                    // A process leaving: the answer is where its guest host waits, and the connection ends.
                    await routing.RouteAsync(frames, request.Read(Shim.Wire.Messages.GuestOffer.Parser), stop);
                    return;
                }
                if (request.Kind is MessageKind.ProcessRegister or MessageKind.QueueRequest)
                {
                    // Held for the process's life, or until its queued job may start.
                    await held.ServeAsync(frames, request, stop);
                    return;
                }
                var (kind, reply) = answers.Answer(request);
                await frames.WriteAsync(kind, reply, stop);
            }
        }
        catch (Exception e) when (e is FrameException or IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            Log.ControlClosed(logger, e.Message);
        }
    }
}

/// <summary>The bound control socket: made before the host starts, removed when the agent ends.</summary>
public sealed class ControlSocket(Socket socket, string path) : IDisposable
{
    public Socket Socket { get; } = socket;

    public string Path { get; } = path;

    public void Dispose()
    {
        Socket.Dispose();
        try
        {
            File.Delete(Path);
        }
        catch (IOException)
        {
            // Gone already.
        }
    }
}
