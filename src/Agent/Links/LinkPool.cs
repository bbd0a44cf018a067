using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Mosix.Agent.Configuration;
using Mosix.Agent.Discovery;
using Mosix.Shim.Wire;

namespace Mosix.Agent.Links;

/// <summary>
/// The gossip core's transport in the agent: one <see cref="Peer"/> per endpoint gossip goes to,
/// made on first use and ended when idle. Each round's message is encoded once for all targets.
/// </summary>
/// <remarks><paramref name="sink"/> is asked for late: the dissemination that receives is itself built on this pool.</remarks>
public sealed class LinkPool(Link.LocalIdentity self, Func<ILinkSink> sink, ILogger<LinkPool> logger) : IGossipTransport
{
    private readonly ConcurrentDictionary<string, Peer> _peers = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private (GossipMessage Message, Frame Frame)? _lastEncoded;

    /// <summary>Links this side dialled that are up now.</summary>
    public int ConnectedCount => _peers.Values.Count(p => p.IsConnected);

    /// <summary>The endpoints this pool has been sending to lately (its live peers).</summary>
    public IEnumerable<string> Endpoints => _peers.Keys;

    public void Send(string endpoint, GossipMessage message)
    {
        if (_stop.IsCancellationRequested || NetworkEndpoint.Parse(endpoint, out _) is null)
            return;
        var frame = Encode(message);
        while (true)
        {
            var peer = _peers.GetOrAdd(endpoint, Start);
            if (peer.Post(frame) || _peers.TryGetValue(endpoint, out var current) && ReferenceEquals(current, peer))
                return; // posted, or dropped by a live peer in back-off
        }
    }

    /// <summary>Tells <paramref name="endpoints"/> this node leaves, within <paramref name="patience"/>.</summary>
    public async Task SayGoodbyeAsync(IEnumerable<string> endpoints, string reason, TimeSpan patience)
    {
        using var deadline = new CancellationTokenSource(patience);
        var goodbyes = endpoints.Where(e => NetworkEndpoint.Parse(e, out _) is not null).Distinct()
            .Select(e => _peers.GetValueOrDefault(e) ?? new Peer(e, self, sink(), logger))
            .Select(p => p.SayGoodbyeAsync(reason, deadline.Token));
        await Task.WhenAll(goodbyes);
    }

    /// <summary>Ends every peer and closes its link.</summary>
    public void Stop() => _stop.Cancel();

    private Peer Start(string endpoint)
    {
        var peer = new Peer(endpoint, self, sink(), logger);
        _ = RunAsync(endpoint, peer);
        return peer;
    }

    private async Task RunAsync(string endpoint, Peer peer)
    {
        await Task.Yield();
        try
        {
            await peer.RunAsync(_stop.Token);
        }
        finally
        {
            _peers.TryRemove(new KeyValuePair<string, Peer>(endpoint, peer));
        }
    }

    private Frame Encode(GossipMessage message)
    {
        var last = _lastEncoded;
        if (last is { } l && ReferenceEquals(l.Message, message))
            return l.Frame;
        var frame = Frame.Of(MessageKind.Gossip, VectorMapping.ToWire(message));
        _lastEncoded = (message, frame);
        return frame;
    }
}
