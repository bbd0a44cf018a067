using Mosix.Agent.Placement;

namespace Mosix.PlacementSim;

/// <summary>How jobs are placed in one run of the simulation.</summary>
internal enum Scheduler
{
    /// <summary>Started on the best node by its home's view (mosrun -b), never moved.</summary>
    NoMigration,

    /// <summary>As placed at start, then moved by <see cref="PlacementPolicy.Balance"/> every round, moves costing their memory's transfer.</summary>
    Mosix,

    /// <summary>Omniscient and free: every round all running jobs are re-placed, most work first, on exact loads, at no cost.</summary>
    Ideal,
}

internal sealed record SimulationSetup(int Nodes, double Utilization, int Seed)
{
    public double Duration { get; init; } = 900;
    public double Round { get; init; } = 1;
    public int Window { get; init; } = 16;
    public double MeanWork { get; init; } = 60;
}

internal sealed record SimulationResult(int Jobs, double MeanSlowdown, double P90Slowdown, double MigrationsPerJob);

/// <summary>
/// A cluster of nodes of random speed (0.5 to 2) and cores (1 to 4) on a simulated clock of one
/// round per second. Jobs arrive at random homes (Poisson, to load the cluster to the given
/// utilisation) with random work (exponential, mean 60 s of a reference core) and memory (16 MiB
/// to 2 GiB). Each home sees its own node and a random window of others, one round stale (the
/// gossip); moves freeze the job for the policy's own cost model. A job's slowdown is its time in
/// the system over its time alone on a reference core (at least 10 s: bounded slowdown).
/// </summary>
internal sealed class Simulation(SimulationSetup setup, Scheduler scheduler)
{
    /// <summary>The jobs and the nodes: the same for every scheduler compared.</summary>
    private readonly Random _random = new(setup.Seed);

    /// <summary>The homes' random views: apart, so that they do not change the job stream.</summary>
    private readonly Random _views = new(setup.Seed + 1);
    private readonly PlacementSettings _settings = new();

    public SimulationResult Run()
    {
        var nodes = Enumerable.Range(0, setup.Nodes)
            .Select(i => new SimNode(i, 0.5 + 1.5 * _random.NextDouble(), 1 + _random.Next(4), 16L << 30)).ToList();
        double capacity = nodes.Sum(n => n.Speed * n.Cores);
        double arrivalsPerSecond = setup.Utilization * capacity / setup.MeanWork;
        var jobs = new List<SimJob>();
        double nextArrival = Exponential(1 / arrivalsPerSecond);
        for (double now = 0; now < setup.Duration || jobs.Any(j => j.Finished is null); now += setup.Round)
        {
            foreach (var n in nodes)
            {
                n.PublishedLoad = n.Running.Count;
                n.PublishedFree = n.Memory - n.Used;
            }
            while (now < setup.Duration && nextArrival <= now)
            {
                var home = nodes[_random.Next(nodes.Count)];
                var job = new SimJob(jobs.Count, home, Exponential(setup.MeanWork), (16L << 20) + (long)(_random.NextDouble() * (2L << 30)), nextArrival);
                jobs.Add(job);
                Start(job, nodes, now);
                nextArrival += Exponential(1 / arrivalsPerSecond);
            }
            if (scheduler == Scheduler.Mosix)
                Balance(nodes, now);
            else if (scheduler == Scheduler.Ideal)
                Reassign(nodes);
            Advance(nodes, now);
            if (now > setup.Duration * 20)
                break; // overloaded beyond recovery: report what finished
        }
        var done = jobs.Where(j => j.Finished is not null).ToList();
        // Bounded slowdown (tau 10 s), the usual measure: a one-second job waiting one more second
        // is not "2x slower" in any way a user notices.
        var slowdowns = done.Select(j => (j.Finished!.Value - j.Arrival) / Math.Max(j.Work, BoundSeconds)).OrderBy(s => s).ToList();
        return new SimulationResult(done.Count, slowdowns.Average(), slowdowns[(int)(slowdowns.Count * 0.9)], done.Average(j => (double)j.Migrations));
    }

    private void Start(SimJob job, List<SimNode> nodes, double now)
    {
        SimNode target;
        if (scheduler == Scheduler.Ideal)
        {
            target = nodes.MaxBy(n => n.Speed * Math.Min(1.0, n.Cores / (double)(n.Running.Count + 1)))!;
        }
        else
        {
            var view = View(job.Home, nodes);
            var best = PlacementPolicy.BestNode(view.Select(n => n.Published()).ToList(), job.Home.Name, job.MemoryBytes, _settings);
            target = best is { } b ? view.First(n => n.Name == b.Node) : job.Home;
            // What this home starts counts at once in its own later choices (the agent's pending load).
            target.PublishedLoad += 1;
        }
        job.Where = target;
        job.ArrivedAt = now;
        if (target != job.Home && scheduler != Scheduler.Ideal)
        {
            // A process is small when it starts (mosrun -b moves it at once): the fixed cost only.
            job.FrozenUntil = now + _settings.MoveOverhead.TotalSeconds;
            job.Migrations++;
        }
        target.Running.Add(job);
    }

    /// <summary>Each home runs the policy over its own jobs, on its view.</summary>
    private void Balance(List<SimNode> nodes, double now)
    {
        foreach (var group in nodes.SelectMany(n => n.Running).Where(j => j.FrozenUntil <= now).GroupBy(j => j.Home).ToList())
        {
            var home = group.Key;
            var view = View(home, nodes);
            foreach (var where in group.Select(j => j.Where!).Distinct())
            {
                if (!view.Contains(where))
                    view.Add(where);
            }
            var capacities = view.Select(n => n.Published()).ToList();
            var placed = group.Select(j => new PlacedProcess(j.Id, j.Where!.Name, j.MemoryBytes,
                TimeSpan.FromSeconds(now - j.Arrival), TimeSpan.FromSeconds(now - j.ArrivedAt), true)).ToList();
            foreach (var move in PlacementPolicy.Balance(capacities, home.Name, placed, _settings))
            {
                var job = group.First(j => j.Id == move.ProcessId);
                var from = job.Where!;
                var to = view.First(n => n.Name == move.To);
                from.Running.Remove(job);
                to.Running.Add(job);
                int hops = from != home && to != home ? 2 : 1;
                job.Where = to;
                job.ArrivedAt = now;
                job.FrozenUntil = now + Cost(job, hops);
                job.Migrations += hops;
                from.PublishedLoad -= 1;
                to.PublishedLoad += 1;
            }
        }
    }

    /// <summary>
    /// The ideal: all running jobs re-placed on exact loads every round, for free, the least
    /// remaining work first onto the best share of a core (shortest-remaining-first: what minimises
    /// the mean time in the system).
    /// </summary>
    private static void Reassign(List<SimNode> nodes)
    {
        var all = nodes.SelectMany(n => n.Running).OrderBy(j => j.Remaining).ToList();
        foreach (var n in nodes)
            n.Running.Clear();
        var queue = new PriorityQueue<SimNode, double>(nodes.Select(n => (n, -n.Speed)));
        foreach (var job in all)
        {
            var node = queue.Dequeue();
            node.Running.Add(job);
            job.Where = node;
            queue.Enqueue(node, -node.Speed * Math.Min(1.0, node.Cores / (double)(node.Running.Count + 1)));
        }
    }

    private void Advance(List<SimNode> nodes, double now)
    {
        foreach (var node in nodes)
        {
            double rate = node.RateEach;
            foreach (var job in node.Running.ToList())
            {
                double runnable = Math.Clamp(now + setup.Round - Math.Max(now, job.FrozenUntil), 0, setup.Round);
                job.Remaining -= rate * runnable;
                if (job.Remaining <= 0)
                {
                    job.Finished = now + setup.Round + job.Remaining / Math.Max(rate, 1e-9);
                    node.Running.Remove(job);
                }
            }
        }
    }

    private List<SimNode> View(SimNode home, List<SimNode> nodes)
    {
        var view = new List<SimNode> { home };
        for (int i = 0; i < setup.Window; i++)
        {
            var other = nodes[_views.Next(nodes.Count)];
            if (!view.Contains(other))
                view.Add(other);
        }
        return view;
    }

    private const double BoundSeconds = 10;

    private double Cost(SimJob job, int hops) =>
        hops * (_settings.MoveOverhead.TotalSeconds + job.MemoryBytes / _settings.BytesPerSecond);

    private double Exponential(double mean) => -mean * Math.Log(1 - _random.NextDouble());
}
