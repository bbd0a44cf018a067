using Mosix.Sandbox.Supervision;

namespace Mosix.Cli.Mosrun;

/// <summary>
/// Sends the processes of a tree back to the node they belong on (<see cref="TreeProcess.NodeItBelongsOn"/>)
/// once each is worth moving: a process that came home only for a fork or exec, and the children
/// created meanwhile.
/// </summary>
/// <remarks>
/// "Worth moving" is MOSIX's rule that a process must first have run for a while: here, used
/// <see cref="WorthMovingAfter"/> of CPU since it came to belong there. A process expected to
/// run about as long again gains more than the move costs (a few tens of milliseconds for a
/// small process); a compiler that make runs for a fraction of a second, or a shell waiting for
/// its children, never pays for a move. docs/migration.md, "Process trees".
/// </remarks>
internal sealed class ReturnTrips : IDisposable
{
    /// <summary>CPU time a process must use at home before it goes back to its node.</summary>
    public static readonly TimeSpan WorthMovingAfter = TimeSpan.FromSeconds(1);

    private static readonly TimeSpan Every = TimeSpan.FromMilliseconds(250);

    private readonly ProcessTree _tree;
    private readonly Timer _timer;
    private int _busy;

    public ReturnTrips(ProcessTree tree)
    {
        _tree = tree;
        _timer = new Timer(_ => Round(), null, Every, Every);
    }

    private void Round()
    {
        if (Interlocked.Exchange(ref _busy, 1) == 1)
            return; // the last round's moves are still under way
        try
        {
            foreach (var process in _tree.All())
            {
                if (process.NodeItBelongsOn() is not { } node || process.Relocation.Where is not null || process.Relocation.Moving)
                    continue;
                if (Volatile.Read(ref process.Frozen) == 1 || ProcessStatus.IsStopped(process.Pid))
                    continue;
                if (ProcessStatus.CpuTime(process.Pid) is not { } cpu || cpu - process.CpuMark < WorthMovingAfter)
                    continue;
                var reply = process.Relocation.MoveTo(node);
                if (!reply.Ok)
                    process.Settle(); // it cannot go (threads, a vfork, the node refuses): it stays home
            }
        }
        finally
        {
            Volatile.Write(ref _busy, 0);
        }
    }

    public void Dispose() => _timer.Dispose();
}
