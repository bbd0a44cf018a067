using System.Diagnostics;
using Mosix.Agent.Discovery;

namespace Mosix.Agent.Node;

/// <summary>The gossip core's clock in the agent: monotonic, unaffected by changes of the wall clock.</summary>
public sealed class SystemClock : IClock
{
    private readonly long _start = Stopwatch.GetTimestamp();

    public TimeSpan Now => Stopwatch.GetElapsedTime(_start);
}

/// <summary>The transport of a one-node cluster (no credentials): there is nobody to tell.</summary>
public sealed class NoLinks : IGossipTransport
{
    public void Send(string endpoint, GossipMessage message)
    {
    }
}
