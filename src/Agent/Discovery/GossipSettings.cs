namespace Mosix.Agent.Discovery;

/// <summary>The knobs of the dissemination (docs/agent.md, "Gossip"); the defaults are what the simulation measured.</summary>
public sealed record GossipSettings
{
    /// <summary>How often a node measures itself and gossips.</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Nodes each round's message goes to: the messages a node sends per interval, whatever the cluster's size.</summary>
    public int Fanout { get; init; } = 2;

    /// <summary>Vectors from the window carried by each message, besides the sender's own.</summary>
    public int VectorsPerMessage { get; init; } = 20;

    /// <summary>How many other nodes' vectors a node keeps: the freshest ones; never a global table.</summary>
    public int WindowSize { get; init; } = 64;

    /// <summary>A vector older than this is dropped: a node silent this long leaves everyone's view.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Every this many rounds one target is a seed, so a split cluster heals (0: seeds only when alone).</summary>
    public int SeedEvery { get; init; } = 10;
}
