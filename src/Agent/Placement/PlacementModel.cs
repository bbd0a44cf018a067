namespace Mosix.Agent.Placement;

/// <summary>A node as placement sees it: what one more process would get there.</summary>
/// <param name="Node">Its name.</param>
/// <param name="Speed">Speed of one of its cores; 1.0 is the reference core.</param>
/// <param name="Cores">How many processes it runs at once at full speed.</param>
/// <param name="Load">Runnable threads there now, as measured and adjusted for moves not yet measured.</param>
/// <param name="FreeMemory">Bytes it can still give.</param>
/// <param name="TotalMemory">Its memory for work, in bytes.</param>
/// <param name="TakesGuests">False when blocked, expelling or leaving (its home's own processes may still return to it).</param>
public readonly record struct NodeCapacity(string Node, double Speed, int Cores, double Load, long FreeMemory, long TotalMemory, bool TakesGuests)
{
    /// <summary>The share of a reference core each of <paramref name="load"/> runnable processes gets here.</summary>
    public double RateAt(double load) => Speed * Math.Min(1.0, Cores / Math.Max(load, 1.0));
}

/// <summary>One of the home node's processes, wherever it runs.</summary>
/// <param name="Id">Its pid at home.</param>
/// <param name="Where">The node it runs on now.</param>
/// <param name="MemoryBytes">Its memory: what a move sends, and what it needs where it goes.</param>
/// <param name="Age">How long it has run: MOSIX expects a process that has run t to run about t more.</param>
/// <param name="Resident">How long it has been where it is (no move before the minimum residence).</param>
/// <param name="MayMove">False for mosrun -L, and while a move of it is under way.</param>
/// <param name="Threads">Its threads: a 4-thread program is 4 cores of demand, wherever it goes.</param>
public sealed record PlacedProcess(int Id, string Where, long MemoryBytes, TimeSpan Age, TimeSpan Resident, bool MayMove, int Threads = 1);

/// <summary>A move placement asks for.</summary>
public readonly record struct Move(int ProcessId, string From, string To, string Reason);

/// <summary>The knobs of placement; the defaults are MOSIX-like.</summary>
public sealed record PlacementSettings
{
    /// <summary>A move must cut the expected time to finish by this fraction (no ping-pong over small gains).</summary>
    public double Hysteresis { get; init; } = 0.2;

    /// <summary>A process stays at least this long where it arrived before it moves again.</summary>
    public TimeSpan MinimumResidence { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>What any move costs beyond its memory: the freeze, the channel, the restore.</summary>
    public TimeSpan MoveOverhead { get; init; } = TimeSpan.FromMilliseconds(300);

    /// <summary>How fast memory moves (bench/migration.sh measured about 0.5 GB/s here).</summary>
    public double BytesPerSecond { get; init; } = 500e6;

    /// <summary>Below this fraction of its memory free, a node is short of memory: its processes are ushered out.</summary>
    public double MemoryReserve { get; init; } = 0.1;

    /// <summary>Moves decided in one round, each counted before the next is chosen.</summary>
    public int MovesPerRound { get; init; } = 4;

    /// <summary>The work a process is assumed to have left when it has only just started.</summary>
    public TimeSpan MinimumAge { get; init; } = TimeSpan.FromSeconds(1);
}
