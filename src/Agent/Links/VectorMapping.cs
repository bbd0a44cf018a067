using Mosix.Agent.Discovery;
using Wire = Mosix.Shim.Wire.Messages;

namespace Mosix.Agent.Links;

/// <summary>Between the gossip core's vectors and the wire's (docs/protocol.md, "Load vectors").</summary>
public static class VectorMapping
{
    /// <summary>The most vectors one Gossip frame may carry; more is a malformed frame.</summary>
    public const int MaxVectorsPerFrame = 512;

    public static Wire.LoadVector ToWire(AgedVector aged)
    {
        var v = aged.Vector;
        return new Wire.LoadVector
        {
            Node = v.Node,
            Endpoint = v.Endpoint,
            Speed = v.Speed,
            Cores = (uint)Math.Max(0, v.Cores),
            Load = v.Load,
            FreeMemory = (ulong)Math.Max(0, v.FreeMemory),
            TotalMemory = (ulong)Math.Max(0, v.TotalMemory),
            Guests = (uint)Math.Max(0, v.Guests),
            Flags = (uint)v.Conditions,
            Incarnation = v.Incarnation,
            Sequence = v.Sequence,
            AgeMs = (uint)Math.Clamp(aged.Age.TotalMilliseconds, 0, uint.MaxValue),
        };
    }

    public static Wire.Gossip ToWire(GossipMessage message)
    {
        var gossip = new Wire.Gossip();
        gossip.Vectors.AddRange(message.Vectors.Select(ToWire));
        return gossip;
    }

    /// <summary>Checks and converts a received vector; null and why when a member sent nonsense.</summary>
    public static AgedVector? FromWire(Wire.LoadVector v, out string? problem)
    {
        problem = Shim.Security.NodeName.Problem(v.Node)
            ?? (v.Endpoint.Length > 255 ? "endpoint too long" : null)
            ?? (!double.IsFinite(v.Speed) || v.Speed < 0 ? "speed is not a number" : null)
            ?? (!double.IsFinite(v.Load) || v.Load < 0 ? "load is not a number" : null);
        if (problem is not null)
            return null;
        var vector = new LoadVector(v.Node, v.Endpoint, v.Speed, (int)Math.Min(v.Cores, 1u << 20), v.Load,
            (long)Math.Min(v.FreeMemory, long.MaxValue), (long)Math.Min(v.TotalMemory, long.MaxValue), (int)Math.Min(v.Guests, 1u << 20),
            (NodeConditions)v.Flags & (NodeConditions.Blocked | NodeConditions.Expelling | NodeConditions.Leaving), v.Incarnation, v.Sequence);
        return new AgedVector(vector, TimeSpan.FromMilliseconds(v.AgeMs));
    }
}
