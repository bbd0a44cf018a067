using System.Net.Sockets;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Mosix.Agent.Logging;
using Mosix.Shim.Wire;

namespace Mosix.Agent.Links;

/// <summary>
/// Accepts links from other agents on the listening socket. Every connection is on its own: a peer
/// that fails TLS, is not signed by the cluster CA, or sends a malformed, oversized or truncated
/// frame loses that connection (and is logged); the agent and its other links go on.
/// </summary>
public sealed class LinkListener(ListeningSocket listening, Link.LocalIdentity self, ILinkSink sink, Migration.GuestReception guests, ILogger<LinkListener> logger) : BackgroundService
{
    /// <summary>Connections served at once; more are closed at once (a flood must not exhaust the agent).</summary>
    public const int MaxConnections = 256;

    private static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(10);

    private readonly SemaphoreSlim _slots = new(MaxConnections, MaxConnections);
    private int _inbound;

    /// <summary>Links from other agents that are up now.</summary>
    public int InboundCount => Volatile.Read(ref _inbound);

    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        var socket = listening.Socket ?? throw new InvalidOperationException("no listening socket");
        while (!stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await socket.AcceptAsync(stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionAborted or SocketError.ConnectionReset or SocketError.TooManyOpenSockets)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(50), stop).ContinueWith(_ => { }, TaskScheduler.Default);
                continue;
            }
            if (!_slots.Wait(0))
            {
                Log.TooManyConnections(logger, MaxConnections, client.RemoteEndPoint?.ToString() ?? "?");
                client.Dispose();
                continue;
            }
            _ = ServeAsync(client, stop);
        }
    }

    private async Task ServeAsync(Socket client, CancellationToken stop)
    {
        string remote = client.RemoteEndPoint?.ToString() ?? "?";
        try
        {
            client.NoDelay = true;
            await using var link = await Link.AcceptAsync(client, self, HandshakeTimeout, stop);
            Log.LinkAccepted(logger, link.PeerNode, remote);
            Interlocked.Increment(ref _inbound);
            try
            {
                await link.ReceiveAsync(sink, stop, (l, offer) => guests.ServeAsync(l, offer, stop));
                Log.LinkClosed(logger, "from", link.ToString(), "closed by the peer");
            }
            catch (Exception e) when (e is FrameException or RefusedException)
            {
                Log.BadFrame(logger, link.ToString(), e.Message);
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException)
            {
                Log.LinkClosed(logger, "from", link.ToString(), e.Message);
            }
            finally
            {
                Interlocked.Decrement(ref _inbound);
            }
        }
        catch (LinkException e)
        {
            Log.PeerRefused(logger, remote, e.Message);
        }
        catch (OperationCanceledException)
        {
            // The agent stops.
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            Log.LinkClosed(logger, "from", remote, e.Message);
        }
        finally
        {
            client.Dispose();
            _slots.Release();
        }
    }
}

/// <summary>The links socket, bound before the host starts so that a busy port is one clear error at start.</summary>
public sealed class ListeningSocket(Socket? socket) : IDisposable
{
    /// <summary>Null in a one-node cluster without credentials.</summary>
    public Socket? Socket { get; } = socket;

    public void Dispose() => Socket?.Dispose();
}
