using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Mosix.Agent.Configuration;
using Mosix.Agent.Logging;
using Mosix.Agent.Measuring;
using Mosix.Agent.Migration;

namespace Mosix.Agent.Node;

/// <summary>
/// The owner stays in charge: when the node's own work (its runnable processes that are not
/// guests) and the guests together want more cores than the node has, guests leave, the lowest
/// priority first (<see cref="NodeState.PriorityOf"/>; among equals the newest), one per round,
/// until the owner's work fits. A guest sent away goes home, whose balancer may place it again.
/// </summary>
public sealed class Reclaim(AgentOptions options, NodeState node, GuestReception reception, ILogger<Reclaim> logger) : BackgroundService
{
    /// <summary>A guest that has just come is not sent away at once: the node was free when it came.</summary>
    private static readonly TimeSpan Settling = TimeSpan.FromSeconds(3);

    private readonly NodeConfinement _confinement = NodeConfinement.OfThisProcess();
    private int _pressedRounds;
    private int _quietRounds;

    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(options.Gossip.Interval);
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
        var guests = reception.Guests;
        if (guests.Count == 0 || node.Expelling || node.Leaving || _quietRounds-- > 0)
            return;
        var incarnations = guests.SelectMany(g => ChildrenOf(g.HostPid)).ToHashSet();
        int? local = _confinement.RunnableThreads(incarnations.Contains);
        if (local is not { } owners)
            return; // an unconfined node cannot tell its owner's work from anyone's here: nothing is reclaimed
        int cores = LoadProbe.Cores(_confinement.CpuLimit).Cores;
        // Two rounds in a row, so that a moment's burst does not send anyone away.
        _pressedRounds = owners > 0 && owners + guests.Count > cores ? _pressedRounds + 1 : 0;
        if (_pressedRounds < 2)
            return;
        var now = DateTimeOffset.UtcNow;
        var leaving = guests.Where(g => now - g.Since >= Settling)
            .OrderByDescending(g => node.PriorityOf(g.Home)).ThenByDescending(g => g.Since).FirstOrDefault();
        if (leaving is null)
            return;
        Log.GuestReclaimed(logger, leaving.HostPid, leaving.Home, node.PriorityOf(leaving.Home), owners);
        await reception.AskToLeaveAsync(leaving, $"the owner's work needs {options.Name}");
        _pressedRounds = 0;
        _quietRounds = 2; // let the measurement see it gone
    }

    private static IEnumerable<int> ChildrenOf(int pid)
    {
        try
        {
            return Directory.EnumerateDirectories($"/proc/{pid}/task")
                .SelectMany(task => File.ReadAllText(Path.Combine(task, "children")).Split(' ', StringSplitOptions.RemoveEmptyEntries))
                .Select(int.Parse).ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return [];
        }
    }
}
