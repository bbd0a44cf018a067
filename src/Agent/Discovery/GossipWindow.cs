namespace Mosix.Agent.Discovery;

/// <summary>
/// The freshest load vectors a node knows of other nodes, at most <c>capacity</c> of them, none older
/// than <c>timeout</c>. MOSIX's answer to scale: no node holds a table of the whole cluster.
/// </summary>
/// <remarks>
/// Invariants: one entry per node; never more than the capacity; a full window takes a newcomer
/// only in place of its oldest entry, and only when the newcomer is fresher. A node that said
/// goodbye stays out (a tombstone of its incarnation) until its last vectors must have aged out
/// everywhere, so a relayed old copy cannot bring it back.
/// </remarks>
public sealed class GossipWindow(int capacity, TimeSpan timeout)
{
    private readonly Dictionary<string, WindowEntry> _entries = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Node, ulong Incarnation), TimeSpan> _departed = [];

    public int Capacity => capacity;

    public TimeSpan Timeout => timeout;

    public int Count => _entries.Count;

    public IEnumerable<WindowEntry> Entries => _entries.Values;

    public WindowEntry? Find(string node) => _entries.GetValueOrDefault(node);

    /// <summary>Takes <paramref name="vector"/>, measured at <paramref name="measuredAt"/>, if it is news. True when taken.</summary>
    public bool Offer(LoadVector vector, TimeSpan measuredAt, TimeSpan now)
    {
        if (now - measuredAt > timeout || _departed.ContainsKey((vector.Node, vector.Incarnation)))
            return false;
        if (_entries.TryGetValue(vector.Node, out var known))
        {
            if (!vector.IsLaterThan(known.Vector, measuredAt, known.MeasuredAt))
                return false;
        }
        else if (_entries.Count >= capacity)
        {
            var oldest = Oldest();
            if (oldest is null || measuredAt <= oldest.MeasuredAt)
                return false;
            _entries.Remove(oldest.Vector.Node);
        }
        _entries[vector.Node] = new WindowEntry(vector, measuredAt);
        return true;
    }

    /// <summary>Drops entries older than the timeout, and tombstones that have served; returns the nodes dropped.</summary>
    public List<string> Expire(TimeSpan now)
    {
        var dropped = _entries.Values.Where(e => now - e.MeasuredAt > timeout).Select(e => e.Vector.Node).ToList();
        dropped.ForEach(node => _entries.Remove(node));
        foreach (var key in _departed.Where(d => d.Value <= now).Select(d => d.Key).ToList())
            _departed.Remove(key);
        return dropped;
    }

    /// <summary>Removes a node that left (its Goodbye), and keeps that incarnation out for one timeout.</summary>
    public bool Forget(string node, TimeSpan now)
    {
        if (!_entries.Remove(node, out var entry))
            return false;
        _departed[(node, entry.Vector.Incarnation)] = now + timeout;
        return true;
    }

    /// <summary>The <paramref name="count"/> freshest entries, freshest first.</summary>
    public List<WindowEntry> Freshest(int count)
    {
        var all = _entries.Values.ToList();
        all.Sort((a, b) => b.MeasuredAt.CompareTo(a.MeasuredAt));
        if (all.Count > count)
            all.RemoveRange(count, all.Count - count);
        return all;
    }

    private WindowEntry? Oldest()
    {
        WindowEntry? oldest = null;
        foreach (var entry in _entries.Values)
        {
            if (oldest is null || entry.MeasuredAt < oldest.MeasuredAt)
                oldest = entry;
        }
        return oldest;
    }
}

/// <summary>A vector in the window and when it was measured, on this node's clock.</summary>
public sealed record WindowEntry(LoadVector Vector, TimeSpan MeasuredAt)
{
    public TimeSpan AgeAt(TimeSpan now) => now - MeasuredAt;
}
