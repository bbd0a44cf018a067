using Mosix.Agent.Discovery;
using Mosix.Agent.Node;

namespace Mosix.Agent.Placement;

/// <summary>The cluster as placement sees it: this node and those in its gossip window, with pending load counted.</summary>
public static class ClusterCapacity
{
    private const NodeConditions Unavailable = NodeConditions.Blocked | NodeConditions.Expelling | NodeConditions.Leaving;

    public static List<NodeCapacity> Of(ClusterSnapshot snapshot, PendingLoad pending)
    {
        var nodes = new List<NodeCapacity> { From(snapshot.Self, pending) };
        nodes.AddRange(snapshot.Nodes.Where(a => a.Vector.Node != snapshot.Self.Node).Select(a => From(a.Vector, pending)));
        return nodes;
    }

    private static NodeCapacity From(LoadVector v, PendingLoad pending) =>
        new(v.Node, v.Speed, Math.Max(1, v.Cores), Math.Max(0, v.Load + pending.On(v.Node)), v.FreeMemory, v.TotalMemory,
            (v.Conditions & Unavailable) == 0);
}
