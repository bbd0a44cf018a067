namespace Mosix.Agent.Placement;

/// <summary>
/// Where processes should run, decided from load vectors alone: pure, so that the agent's balancer
/// and the 1,000-node simulation (bench/placement) run the same code.
/// </summary>
/// <remarks>
/// MOSIX's opportunity-cost idea in its simplest form. A process that has run for t is expected to
/// run about t more (at least <see cref="PlacementSettings.MinimumAge"/>): its remaining work is
/// t times the rate it gets where it is. Moving it to a node where it would get a better rate pays
/// when the time saved exceeds the move's cost (its memory over the network, plus a fixed overhead)
/// by the hysteresis margin. Rates count speed and cores: a node's cores are shared by its runnable
/// processes, each getting at most one core. Memory comes first: a node short of free memory
/// sends processes to nodes with room, whatever the CPU gain.
/// </remarks>
public static class PlacementPolicy
{
    /// <summary>
    /// The node a new process should start on: the best rate for one more process among nodes with
    /// room for <paramref name="memoryBytes"/>; home wins ties. Null if no node has room.
    /// </summary>
    public static NodeCapacity? BestNode(IReadOnlyList<NodeCapacity> nodes, string home, long memoryBytes, PlacementSettings settings)
    {
        NodeCapacity? best = null;
        double bestRate = 0;
        foreach (var node in nodes)
        {
            if ((!node.TakesGuests && node.Node != home) || !HasRoom(node, node.FreeMemory, memoryBytes, settings))
                continue;
            double rate = node.RateAt(node.Load + 1);
            bool better = best is null || rate > bestRate * (1 + 1e-9) ||
                (Math.Abs(rate - bestRate) <= bestRate * 1e-9 && node.Node == home);
            if (better)
            {
                best = node;
                bestRate = rate;
            }
        }
        return best;
    }

    /// <summary>
    /// The moves that would make <paramref name="processes"/> (all of home's) finish soonest,
    /// best first, each counted in the loads before the next is chosen.
    /// </summary>
    public static IReadOnlyList<Move> Balance(IReadOnlyList<NodeCapacity> nodes, string home, IReadOnlyList<PlacedProcess> processes, PlacementSettings settings)
    {
        var byName = nodes.ToDictionary(n => n.Node);
        var load = nodes.ToDictionary(n => n.Node, n => n.Load);
        var free = nodes.ToDictionary(n => n.Node, n => n.FreeMemory);
        var moved = new HashSet<int>();
        var moves = new List<Move>();
        while (moves.Count < settings.MovesPerRound)
        {
            Move? chosen = null;
            double chosenScore = 0;
            foreach (var process in processes)
            {
                if (!process.MayMove || moved.Contains(process.Id) || process.Resident < settings.MinimumResidence ||
                    !byName.TryGetValue(process.Where, out var from))
                    continue;
                bool short_ = IsShortOfMemory(from, free[from.Node], settings);
                double rateHere = from.RateAt(load[from.Node]);
                double age = Math.Max(process.Age.TotalSeconds, settings.MinimumAge.TotalSeconds);
                double work = rateHere * age;
                foreach (var to in nodes)
                {
                    if (to.Node == from.Node || (!to.TakesGuests && to.Node != home) || !HasRoom(to, free[to.Node], process.MemoryBytes, settings))
                        continue;
                    // Each of its threads is one more runnable there (the rate is per thread, and so is its work here).
                    double rateThere = to.RateAt(load[to.Node] + process.Threads);
                    // Between two other nodes the process goes through home: two moves.
                    int hops = from.Node != home && to.Node != home ? 2 : 1;
                    double cost = hops * (settings.MoveOverhead.TotalSeconds + process.MemoryBytes / settings.BytesPerSecond);
                    double timeThere = cost + work / rateThere;
                    double score;
                    string reason;
                    if (short_)
                    {
                        // Ushering: anywhere with room beats swapping; the biggest process to the most room first.
                        score = 1e6 + process.MemoryBytes / 1e6 + free[to.Node] / 1e12;
                        reason = $"{from.Node} is short of memory";
                    }
                    else if (timeThere < age * (1 - settings.Hysteresis))
                    {
                        score = age - timeThere;
                        reason = $"expected to finish {age - timeThere:F1} s sooner ({rateThere:F2} of a core instead of {rateHere:F2})";
                    }
                    else
                    {
                        continue;
                    }
                    if (chosen is null || score > chosenScore)
                    {
                        chosen = new Move(process.Id, from.Node, to.Node, reason);
                        chosenScore = score;
                    }
                }
            }
            if (chosen is not { } move)
                break;
            moves.Add(move);
            moved.Add(move.ProcessId);
            var mover = processes.First(p => p.Id == move.ProcessId);
            long memory = mover.MemoryBytes;
            load[move.From] = Math.Max(0, load[move.From] - mover.Threads);
            load[move.To] += mover.Threads;
            free[move.From] += memory;
            free[move.To] -= memory;
        }
        return moves;
    }

    private static bool IsShortOfMemory(NodeCapacity node, long free, PlacementSettings settings) =>
        node.TotalMemory > 0 && free < node.TotalMemory * settings.MemoryReserve;

    private static bool HasRoom(NodeCapacity node, long free, long needed, PlacementSettings settings) =>
        node.TotalMemory <= 0 || free - needed >= node.TotalMemory * settings.MemoryReserve;
}
