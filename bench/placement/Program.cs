using System.Diagnostics;
using System.Globalization;
using Mosix.PlacementSim;

// placement-sim [--nodes N] [--utilization U[,U...]] [--seconds S] [--seed S]
// Runs the agent's real PlacementPolicy on a simulated cluster and prints one Markdown table (bench/placement/README.md).
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
int nodes = 1000, seed = 1;
double seconds = 900;
double[] utilizations = [0.5, 0.8];
try
{
    for (int i = 0; i < args.Length; i++)
    {
        string value() => i + 1 < args.Length ? args[++i] : throw new FormatException($"{args[i]} needs a value");
        switch (args[i])
        {
            case "--nodes": nodes = int.Parse(value(), CultureInfo.InvariantCulture); break;
            case "--utilization": utilizations = value().Split(',').Select(u => double.Parse(u, CultureInfo.InvariantCulture)).ToArray(); break;
            case "--seconds": seconds = double.Parse(value(), CultureInfo.InvariantCulture); break;
            case "--seed": seed = int.Parse(value(), CultureInfo.InvariantCulture); break;
            case "--help": Console.WriteLine("usage: placement-sim [--nodes N] [--utilization U[,U...]] [--seconds S] [--seed S]"); return 0;
            default: throw new FormatException($"unknown option '{args[i]}'");
        }
    }
    if (nodes < 2 || seconds < 10 || utilizations.Any(u => u is <= 0 or >= 1.5))
        throw new FormatException("nodes at least 2, seconds at least 10, utilisations between 0 and 1.5");
}
catch (FormatException e)
{
    Console.Error.WriteLine($"placement-sim: {e.Message}");
    return 2;
}

Console.WriteLine($"Placement simulation: the agent's PlacementPolicy, {nodes:N0} nodes (speed 0.5-2, 1-4 cores), jobs arriving for {seconds:0} s "
    + "(exponential work, mean 60 s of a reference core; memory 16 MiB-2 GiB), each home seeing 16 random nodes one round stale; rounds of 1 s.");
Console.WriteLine();
Console.WriteLine("| utilisation | scheduler | jobs | mean slowdown | 90th percentile | vs ideal | migrations per job | run time |");
Console.WriteLine("|---:|---|---:|---:|---:|---:|---:|---:|");
foreach (double u in utilizations)
{
    double? ideal = null;
    foreach (var scheduler in new[] { Scheduler.Ideal, Scheduler.NoMigration, Scheduler.Mosix })
    {
        var clock = Stopwatch.StartNew();
        var result = new Simulation(new SimulationSetup(nodes, u, seed) { Duration = seconds }, scheduler).Run();
        ideal ??= result.MeanSlowdown;
        Console.WriteLine($"| {u:P0} | {scheduler} | {result.Jobs:N0} | {result.MeanSlowdown:0.00} | {result.P90Slowdown:0.00} | {result.MeanSlowdown / ideal:0.00}x | {result.MigrationsPerJob:0.00} | {clock.Elapsed.TotalSeconds:0.0} s |");
    }
}
return 0;
