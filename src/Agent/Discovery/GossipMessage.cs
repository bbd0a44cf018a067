namespace Mosix.Agent.Discovery;

/// <summary>A vector and how old its measurement was when it was handed on.</summary>
/// <remarks>Ages, not timestamps, travel: nodes' clocks need not agree (transit time is not counted).</remarks>
public readonly record struct AgedVector(LoadVector Vector, TimeSpan Age);

/// <summary>One round's gossip from one node: its own vector first (age zero), then the freshest it knows.</summary>
public sealed record GossipMessage(IReadOnlyList<AgedVector> Vectors)
{
    /// <summary>The node that sent it: the owner of the first vector.</summary>
    public string Sender => Vectors.Count > 0 ? Vectors[0].Vector.Node : "";
}
