namespace Mosix.Agent.Discovery;

/// <summary>
/// What one node tells the cluster about itself, as in MOSIX: speed, cores, run-queue length,
/// memory and guests, plus where to reach it and which measurement this is.
/// </summary>
/// <param name="Node">The node's name (its certificate's common name).</param>
/// <param name="Endpoint">"host:port" where its agent listens.</param>
/// <param name="Speed">CPU speed factor; 1.0 is the reference core.</param>
/// <param name="Load">Run-queue length, smoothed over a few seconds.</param>
/// <param name="FreeMemory">Bytes available for new work (MemAvailable).</param>
/// <param name="Incarnation">Random per agent start: tells a restarted node's vectors from its old ones.</param>
/// <param name="Sequence">Counts measurements within one incarnation: the higher, the newer.</param>
public sealed record LoadVector(
    string Node,
    string Endpoint,
    double Speed,
    int Cores,
    double Load,
    long FreeMemory,
    long TotalMemory,
    int Guests,
    NodeConditions Conditions,
    ulong Incarnation,
    ulong Sequence)
{
    /// <summary>True when this is a later measurement of the same node than <paramref name="other"/>, judged without clocks if possible.</summary>
    /// <remarks>Within one incarnation the sequence decides; across incarnations only the measurement times can.</remarks>
    public bool IsLaterThan(LoadVector other, TimeSpan measuredAt, TimeSpan otherMeasuredAt) =>
        Incarnation == other.Incarnation ? Sequence > other.Sequence : measuredAt > otherMeasuredAt;
}

/// <summary>Owner states a node announces with its vector. The numbers are the wire's NodeFlags bits.</summary>
[Flags]
public enum NodeConditions : uint
{
    None = 0,

    /// <summary>Accepts no new guests (mosctl block).</summary>
    Blocked = 1,

    /// <summary>Asks its guests to leave (mosctl expel).</summary>
    Expelling = 2,

    /// <summary>Leaves the cluster once its guests are gone (mosctl shutdown).</summary>
    Leaving = 4,
}
