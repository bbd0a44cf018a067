using Mosix.Agent.Discovery;

namespace Mosix.GossipSim;

/// <summary>Virtual time and the events that happen in it, in order (ties in the order they were scheduled).</summary>
internal sealed class VirtualTime : IClock
{
    private readonly PriorityQueue<Action, (TimeSpan At, long Order)> _events = new();
    private long _order;

    public TimeSpan Now { get; private set; }

    public void At(TimeSpan when, Action action) => _events.Enqueue(action, (when, _order++));

    /// <summary>Runs every event due up to <paramref name="until"/>, then sets the clock there.</summary>
    public void RunUntil(TimeSpan until)
    {
        while (_events.TryPeek(out _, out var key) && key.At <= until)
        {
            var action = _events.Dequeue();
            Now = key.At;
            action();
        }
        Now = until;
    }
}
