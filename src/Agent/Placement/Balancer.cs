using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Mosix.Agent.Configuration;
using Mosix.Agent.Logging;
using Mosix.Agent.Node;

namespace Mosix.Agent.Placement;

/// <summary>
/// The cluster running itself, from this node's side: once per round it learns where each of its
/// registered processes is, starts the queued jobs that now fit, and moves processes where they
/// will finish sooner or where there is memory (<see cref="PlacementPolicy"/>). Moves are asked of
/// each process's mosrun, as <c>migrate</c> would; a refused or failed move leaves it where it was.
/// </summary>
public sealed class Balancer : BackgroundService
{
    private readonly AgentOptions _options;
    private readonly Dissemination _dissemination;
    private readonly LocalProcesses _processes;
    private readonly JobQueue _queue;
    private readonly ILogger<Balancer> _logger;

    public Balancer(AgentOptions options, Dissemination dissemination, LocalProcesses processes, JobQueue queue, ILogger<Balancer> logger)
    {
        _options = options;
        _dissemination = dissemination;
        _processes = processes;
        _queue = queue;
        _logger = logger;
        Pending = new PendingLoad(options.Gossip.Interval, () => DateTimeOffset.UtcNow);
        Settings = new PlacementSettings { MemoryReserve = options.MemoryReserve };
    }

    public PlacementSettings Settings { get; }

    /// <summary>Load this node has sent to others (moves, started jobs) not yet in their vectors.</summary>
    public PendingLoad Pending { get; }

    /// <summary>The cluster now, pending load counted.</summary>
    public List<NodeCapacity> Nodes() => ClusterCapacity.Of(_dissemination.Snapshot(), Pending);

    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(_options.Gossip.Interval);
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
                await RoundAsync();
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The agent stops.
        }
    }

    private async Task RoundAsync()
    {
        var now = DateTimeOffset.UtcNow;
        var programs = _processes.Snapshot();
        await Task.WhenAll(programs.Select(p => Task.Run(() => MosrunDoor.Poll(p, _options.Name, now))));
        // Every process of every tree is placed on its own (a program's children too).
        var processes = programs.SelectMany(p => p.Tree()).ToList();

        var nodes = Nodes();
        if (_logger.IsEnabled(LogLevel.Debug))
            Log.PlacementRound(_logger, string.Join("; ", nodes.Select(n => $"{n.Node} load {n.Load:F2} rate {n.RateAt(n.Load + 1):F2}")));
        _queue.StartWhatFits(nodes, _options.Name, Settings, (job, node) =>
        {
            // In full until the job's program runs and registers (its mosrun starts first).
            job.Load = Pending.Add(node, 1);
            Log.JobStarted(_logger, job.Pid, node);
        });
        if (_options.LocalStay)
            return;
        var placed = processes.Where(p => p.Where is not null).Select(p => new PlacedProcess(p.Pid, p.Where!, p.Memory,
            now - p.Started, now - p.ArrivedAt, p.AutoMigrate && !p.Moving && p.State is "running" or "away" && p.MayBeBusy(_options.Name),
            Math.Max(1, p.Threads))).ToList();
        foreach (var move in PlacementPolicy.Balance(nodes, _options.Name, placed, Settings))
            Start(processes.First(p => p.Pid == move.ProcessId), move);
    }

    private void Start(HomeProcess process, Move move)
    {
        process.Moving = true;
        var arriving = Pending.Add(move.To, 1);
        var leaving = Pending.Add(move.From, -1);
        Log.PlacementMove(_logger, process.Pid, move.From, move.To, move.Reason);
        _ = Task.Run(() =>
        {
            var reply = MosrunDoor.Move(process, move.To, _options.Name);
            if (reply.Ok)
            {
                process.Where = move.To;
                process.ArrivedAt = DateTimeOffset.UtcNow;
                Pending.Landed(arriving);
                Pending.Landed(leaving);
            }
            else
            {
                // Undo what was counted; the process is where it was (or gone).
                Pending.Cancel(arriving);
                Pending.Cancel(leaving);
                process.ArrivedAt = DateTimeOffset.UtcNow; // not again before the minimum residence
                Log.PlacementMoveFailed(_logger, process.Pid, move.From, reply.Message);
            }
            process.Moving = false;
        });
    }
}
