using System.Diagnostics;
using System.Globalization;
using Mosix.Agent.Discovery;
using Mosix.GossipSim;

// gossip-sim [--nodes N[,N...]] [--fanout F] [--vectors K] [--window W] [--intervals M] [--seed S]
// Runs the agent's real Gossiper for N simulated nodes and prints one Markdown table (bench/gossip/README.md).
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
var defaults = new GossipSettings();
int[] sizes = [10, 100, 1000, 2000];
int fanout = defaults.Fanout, vectors = defaults.VectorsPerMessage, window = defaults.WindowSize, intervals = 30, seed = 1;
try
{
    for (int i = 0; i < args.Length; i++)
    {
        string value() => i + 1 < args.Length ? args[++i] : throw new FormatException($"{args[i]} needs a value");
        switch (args[i])
        {
            case "--nodes": sizes = value().Split(',').Select(int.Parse).ToArray(); break;
            case "--fanout": fanout = int.Parse(value()); break;
            case "--vectors": vectors = int.Parse(value()); break;
            case "--window": window = int.Parse(value()); break;
            case "--intervals": intervals = int.Parse(value()); break;
            case "--seed": seed = int.Parse(value()); break;
            case "--help": Console.WriteLine("usage: gossip-sim [--nodes N[,N...]] [--fanout F] [--vectors K] [--window W] [--intervals M] [--seed S]"); return 0;
            default: throw new FormatException($"unknown option '{args[i]}'");
        }
    }
    if (sizes.Any(n => n < 2) || fanout < 1 || vectors < 0 || window < 1 || intervals < 1)
        throw new FormatException("sizes must be at least 2, and fanout, window and intervals at least 1");
}
catch (FormatException e)
{
    Console.Error.WriteLine($"gossip-sim: {e.Message}");
    return 2;
}

var settings = defaults with { Fanout = fanout, VectorsPerMessage = vectors, WindowSize = window };
Console.WriteLine($"Gossip simulation: the agent's Gossiper on virtual time; interval {settings.Interval.TotalSeconds:0.#} s, "
    + $"fanout {fanout}, {vectors} vectors per message plus the sender's own, window {window}, timeout {settings.Timeout.TotalSeconds:0} s, "
    + $"latency 1-10 ms; each node joins through one random earlier node; 30 intervals of warm-up, then {intervals} measured.");
Console.WriteLine();
Console.WriteLine("| nodes | median age of a node's freshest 20 (intervals) | 90th percentile | worst node | messages per node per second | vectors per message | window fill | run time |");
Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|");
bool met = true;
foreach (int n in sizes)
{
    var clock = Stopwatch.StartNew();
    var result = new Simulation(new SimulationSetup(n, settings, seed) { MeasuredIntervals = intervals }).Run();
    Console.WriteLine($"| {n:N0} | {result.MedianAge:0.00} | {result.P90Age:0.00} | {result.WorstAge:0.00} | {result.MessagesPerNodePerSecond:0.00} | {result.VectorsPerMessage:0.0} | {result.MeanWindowFill:0.0} | {clock.Elapsed.TotalSeconds:0.0} s |");
    if (n >= 1000 && result.MedianAge >= 2)
        met = false;
}
Console.WriteLine();
Console.WriteLine(met ? "Target met: median age under 2 intervals at 1,000 nodes and more." : "TARGET MISSED: median age is 2 intervals or more at 1,000 nodes.");
return 0;
