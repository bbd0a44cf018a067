using Mosix.Agent.Discovery;

namespace Mosix.GossipSim;

/// <summary>
/// One run: <c>nodes</c> Gossipers on virtual time, each joining through one seed (a random earlier
/// node), ticking once per interval at its own random phase. After a warm-up, at the end of every
/// interval, it takes each node's window and asks how old the node's freshest entries really are.
/// </summary>
/// <remarks>
/// "Really": each vector's age is computed from when its owner measured it (known exactly here),
/// not from the ages that travel with it, so transit delays count against the result.
/// </remarks>
internal sealed class Simulation(SimulationSetup setup)
{
    private readonly VirtualTime _time = new();
    private readonly List<Gossiper> _nodes = [];
    private readonly TimeSpan[] _phase = new TimeSpan[setup.Nodes];
    private readonly ulong[] _sequence = new ulong[setup.Nodes];

    public SimulationResult Run()
    {
        var random = new Random(setup.Seed);
        var network = new SimulatedNetwork(_time, random, setup.MinLatency, setup.MaxLatency);
        var interval = setup.Settings.Interval;
        for (int i = 0; i < setup.Nodes; i++)
        {
            string[] seeds = i == 0 ? [] : [Endpoint(random.Next(i))];
            var node = new Gossiper(Name(i), setup.Settings, _time, network.TransportFor(), new Random(random.Next()), seeds);
            _nodes.Add(node);
            network.Attach(Endpoint(i), node);
            _phase[i] = interval * random.NextDouble();
            ScheduleRound(i, _phase[i]);
        }

        _time.RunUntil(interval * setup.WarmupIntervals);
        network.ResetCounters();
        var perNodeMedians = new List<double>();
        var fill = new List<int>();
        for (int k = 1; k <= setup.MeasuredIntervals; k++)
        {
            _time.RunUntil(interval * (setup.WarmupIntervals + k));
            foreach (var node in _nodes)
            {
                var ages = TrueAges(node);
                fill.Add(ages.Count);
                if (ages.Count > 0)
                    perNodeMedians.Add(Median(ages.Take(setup.Freshest).ToList()));
            }
        }
        double seconds = (interval * setup.MeasuredIntervals).TotalSeconds;
        perNodeMedians.Sort();
        return new SimulationResult(
            setup,
            MedianAge: Median(perNodeMedians),
            P90Age: Percentile(perNodeMedians, 0.90),
            WorstAge: perNodeMedians.Count > 0 ? perNodeMedians[^1] : double.NaN,
            MessagesPerNodePerSecond: network.Messages / (double)setup.Nodes / seconds,
            VectorsPerMessage: network.Messages == 0 ? 0 : network.Vectors / (double)network.Messages,
            MeanWindowFill: fill.Count == 0 ? 0 : fill.Average());
    }

    private void ScheduleRound(int i, TimeSpan at) => _time.At(at, () =>
    {
        _nodes[i].Round(Vector(i, ++_sequence[i]));
        ScheduleRound(i, at + setup.Settings.Interval);
    });

    /// <summary>True ages, in intervals, of the vectors in a node's window, freshest first.</summary>
    private List<double> TrueAges(Gossiper node)
    {
        var now = _time.Now;
        var interval = setup.Settings.Interval;
        var ages = new List<double>(node.Window.Count);
        foreach (var entry in node.Window.Entries)
        {
            int owner = (int)(entry.Vector.Incarnation - 1);
            TimeSpan measured = _phase[owner] + interval * (double)(entry.Vector.Sequence - 1);
            ages.Add((now - measured) / interval);
        }
        ages.Sort();
        return ages;
    }

    private static LoadVector Vector(int i, ulong sequence) =>
        new(Name(i), Endpoint(i), 1.0, 4, 1.0, 1L << 30, 4L << 30, 0, NodeConditions.None, (ulong)i + 1, sequence);

    private static string Name(int i) => $"n{i}";

    private static string Endpoint(int i) => $"sim{i}:7471";

    private static double Median(List<double> sorted)
    {
        if (sorted.Count == 0)
            return double.NaN;
        var copy = sorted.Order().ToList();
        int mid = copy.Count / 2;
        return copy.Count % 2 == 1 ? copy[mid] : (copy[mid - 1] + copy[mid]) / 2;
    }

    private static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
}

/// <summary>What to simulate.</summary>
internal sealed record SimulationSetup(int Nodes, GossipSettings Settings, int Seed = 1)
{
    public int WarmupIntervals { get; init; } = 30;

    public int MeasuredIntervals { get; init; } = 30;

    /// <summary>How many of a node's freshest entries the age is taken over.</summary>
    public int Freshest { get; init; } = 20;

    public TimeSpan MinLatency { get; init; } = TimeSpan.FromMilliseconds(1);

    public TimeSpan MaxLatency { get; init; } = TimeSpan.FromMilliseconds(10);
}

/// <summary>What one run measured; ages are in intervals, medians over nodes and sampling moments.</summary>
internal sealed record SimulationResult(
    SimulationSetup Setup, double MedianAge, double P90Age, double WorstAge,
    double MessagesPerNodePerSecond, double VectorsPerMessage, double MeanWindowFill);
