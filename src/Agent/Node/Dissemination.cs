using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Mosix.Agent.Configuration;
using Mosix.Agent.Discovery;
using Mosix.Agent.Links;
using Mosix.Agent.Logging;
using Mosix.Agent.Measuring;

namespace Mosix.Agent.Node;

/// <summary>
/// Drives the gossip core in the agent: measures this node once per interval and runs a round;
/// takes what links receive. The one lock here serialises every use of the (single-threaded)
/// <see cref="Gossiper"/>: the timer's rounds, the links' receipts, the control socket's reads.
/// </summary>
public sealed class Dissemination : BackgroundService, ILinkSink
{
    private readonly Lock _lock = new();
    private readonly AgentOptions _options;
    private readonly NodeState _node;
    private readonly IClock _clock;
    private readonly ILogger _logger;
    private readonly LoadProbe _probe;
    private readonly Gossiper _gossiper;
    private readonly double _speed;
    private ulong _sequence;
    private LoadVector _self;

    public Dissemination(AgentOptions options, NodeState node, IGossipTransport transport, IClock clock, ILogger<Dissemination> logger)
    {
        _options = options;
        _node = node;
        _clock = clock;
        _logger = logger;
        _probe = new LoadProbe(options.ExtraLoad, NodeConfinement.OfThisProcess());
        _speed = options.Speed ?? SpeedBenchmark.Measure();
        _gossiper = new Gossiper(options.Name, options.Gossip, clock, transport, new Random(), options.Seeds.Select(s => s.ToString()));
        _self = Measure();
        Log.Measured(logger, _speed, options.Speed is null ? "measured" : "--speed", _self.Cores, _self.TotalMemory >> 20);
    }

    /// <summary>This node's latest vector and what it knows of the others, with ages as of now.</summary>
    public ClusterSnapshot Snapshot()
    {
        lock (_lock)
        {
            var now = _clock.Now;
            var nodes = _gossiper.Window.Entries.Select(e => new AgedVector(e.Vector, e.AgeAt(now))).OrderBy(a => a.Vector.Node, StringComparer.Ordinal).ToList();
            return new ClusterSnapshot(_self with { Conditions = _node.Conditions, Guests = _node.Guests }, nodes);
        }
    }

    public List<string> KnownEndpoints()
    {
        lock (_lock)
            return _gossiper.Window.Entries.Select(e => e.Vector.Endpoint).Where(e => e.Length > 0).ToList();
    }

    public void OnGossip(string peer, GossipMessage message)
    {
        lock (_lock)
        {
            var news = message.Vectors.Where(v => v.Vector.Node != _options.Name && _gossiper.Window.Find(v.Vector.Node) is null).ToList();
            _gossiper.Receive(message);
            foreach (var aged in news.Where(v => _gossiper.Window.Find(v.Vector.Node) is not null))
                Log.NodeAppeared(_logger, aged.Vector.Node, aged.Vector.Endpoint);
        }
    }

    public void OnGoodbye(string peer)
    {
        lock (_lock)
        {
            if (_gossiper.Forget(peer))
                Log.NodeSaidGoodbye(_logger, peer);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(_options.Gossip.Interval);
        try
        {
            do
                Round();
            while (await timer.WaitForNextTickAsync(stop));
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The agent stops.
        }
    }

    private void Round()
    {
        var self = Measure();
        List<string> expired;
        lock (_lock)
        {
            _self = self;
            expired = _gossiper.Round(self);
        }
        foreach (string node in expired)
            Log.NodeTimedOut(_logger, node, _options.Gossip.Timeout.TotalSeconds);
    }

    private LoadVector Measure()
    {
        var m = _probe.Measure();
        // A CPU limit slows each core the node has: the speed it announces is per core it may use.
        return new LoadVector(_options.Name, _options.Advertise?.ToString() ?? "", _speed * m.CoreShare, m.Cores, m.Load, m.FreeMemory, m.TotalMemory,
            _node.Guests, _node.Conditions, _node.Incarnation, ++_sequence);
    }
}

/// <summary>A moment's view: this node, and the others in its window with their ages.</summary>
public sealed record ClusterSnapshot(LoadVector Self, IReadOnlyList<AgedVector> Nodes);
