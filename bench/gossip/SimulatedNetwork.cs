using Mosix.Agent.Discovery;

namespace Mosix.GossipSim;

/// <summary>An in-memory network: a message reaches its node after a random LAN-like delay; counts what is sent.</summary>
internal sealed class SimulatedNetwork(VirtualTime time, Random random, TimeSpan minLatency, TimeSpan maxLatency)
{
    private readonly Dictionary<string, Gossiper> _nodes = new(StringComparer.Ordinal);

    public long Messages { get; private set; }

    public long Vectors { get; private set; }

    public void Attach(string endpoint, Gossiper node) => _nodes[endpoint] = node;

    /// <summary>The transport one node sends through.</summary>
    public IGossipTransport TransportFor() => new Transport(this);

    public void ResetCounters() => (Messages, Vectors) = (0, 0);

    private void Deliver(string endpoint, GossipMessage message)
    {
        Messages++;
        Vectors += message.Vectors.Count;
        var latency = minLatency + (maxLatency - minLatency) * random.NextDouble();
        if (_nodes.TryGetValue(endpoint, out var target))
            time.At(time.Now + latency, () => target.Receive(message));
    }

    private sealed class Transport(SimulatedNetwork network) : IGossipTransport
    {
        public void Send(string endpoint, GossipMessage message) => network.Deliver(endpoint, message);
    }
}
