namespace Mosix.Agent.Placement;

/// <summary>
/// Load this agent has sent somewhere (a move, a queued job started) that the node's measurement
/// does not show yet. It counts in full until it has landed (the move is done); from then on it
/// halves each round, as the smoothed measurement takes it in, so the two together stay about right.
/// </summary>
public sealed class PendingLoad(TimeSpan round, Func<DateTimeOffset> now)
{
    /// <summary>A move that never reports back stops counting after this long.</summary>
    private static readonly TimeSpan InFlightLimit = TimeSpan.FromSeconds(30);

    private readonly Lock _lock = new();
    private readonly List<Entry> _entries = [];

    /// <summary>Counts <paramref name="delta"/> on <paramref name="node"/> until <see cref="Landed"/>, then less each round.</summary>
    public object Add(string node, double delta)
    {
        var entry = new Entry(node, delta, now());
        lock (_lock)
            _entries.Add(entry);
        return entry;
    }

    /// <summary>What <paramref name="token"/> stands for has arrived: the measurement starts to take it in.</summary>
    public void Landed(object token)
    {
        lock (_lock)
            ((Entry)token).LandedAt = now();
    }

    /// <summary>It never happened (a failed move).</summary>
    public void Cancel(object token)
    {
        lock (_lock)
            _entries.Remove((Entry)token);
    }

    /// <summary>What is still pending on <paramref name="node"/>.</summary>
    public double On(string node)
    {
        var at = now();
        lock (_lock)
        {
            _entries.RemoveAll(e => Weight(e, at) < 0.05);
            return _entries.Where(e => e.Node == node).Sum(e => e.Delta * Weight(e, at));
        }
    }

    private double Weight(Entry e, DateTimeOffset at) => e.LandedAt is { } landed
        ? Math.Pow(0.5, Math.Max(0, (at - landed).TotalSeconds) / round.TotalSeconds)
        : at - e.Added < InFlightLimit ? 1 : 0;

    private sealed class Entry(string node, double delta, DateTimeOffset added)
    {
        public string Node { get; } = node;
        public double Delta { get; } = delta;
        public DateTimeOffset Added { get; } = added;
        public DateTimeOffset? LandedAt { get; set; }
    }
}
