using Mosix.Agent.Placement;

namespace Mosix.PlacementSim;

/// <summary>One simulated node: its capacity and the processes running on it now.</summary>
internal sealed class SimNode(int id, double speed, int cores, long memory)
{
    public int Id { get; } = id;
    public string Name { get; } = $"n{id}";
    public double Speed { get; } = speed;
    public int Cores { get; } = cores;
    public long Memory { get; } = memory;
    public List<SimJob> Running { get; } = [];

    /// <summary>What its load vector said at the last round (what others see: one round old).</summary>
    public double PublishedLoad { get; set; }
    public long PublishedFree { get; set; }

    public long Used => Running.Sum(j => j.MemoryBytes);

    public double RateEach => Running.Count == 0 ? 0 : Speed * Math.Min(1.0, Cores / (double)Running.Count);

    public NodeCapacity Published() => new(Name, Speed, Cores, PublishedLoad, PublishedFree, Memory, true);
}

/// <summary>One simulated job.</summary>
internal sealed class SimJob(int id, SimNode home, double work, long memoryBytes, double arrival)
{
    public int Id { get; } = id;
    public SimNode Home { get; } = home;
    public double Work { get; } = work;
    public double Remaining { get; set; } = work;
    public long MemoryBytes { get; } = memoryBytes;
    public double Arrival { get; } = arrival;
    public SimNode? Where { get; set; }
    public double ArrivedAt { get; set; }
    /// <summary>Frozen in transit until this time (a move's cost).</summary>
    public double FrozenUntil { get; set; }
    public int Migrations { get; set; }
    public double? Finished { get; set; }
}
