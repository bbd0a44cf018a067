namespace Mosix.Agent.Discovery;

/// <summary>Monotonic time for the gossip core: real in the agent, virtual in the simulation.</summary>
public interface IClock
{
    TimeSpan Now { get; }
}

/// <summary>How the gossip core hands a message to another node: TLS links in the agent, a queue in the simulation.</summary>
/// <remarks>Fire and forget: gossip is lossy by design, and a message that cannot go is dropped, never retried.</remarks>
public interface IGossipTransport
{
    void Send(string endpoint, GossipMessage message);
}
