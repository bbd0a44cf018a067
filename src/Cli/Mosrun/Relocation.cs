using Mosix.Migrator.Migration;
using Mosix.Sandbox.Forwarding;
using Mosix.Sandbox.Supervision;
using Mosix.Shim.Local;
using Mosix.Shim.Wire.Messages;

namespace Mosix.Cli.Mosrun;

/// <summary>
/// Where one process of a mosrun's tree runs, and its moves: to another node through this node's
/// agent (<c>migrate PID NODE</c>, <c>mosrun -rNODE</c>, the balancer) and back (<c>migrate PID home</c>).
/// </summary>
/// <param name="restart">The process's checkpoints for a lost node (the root's, with -A); null: none.</param>
internal sealed class Relocation(Supervisor supervisor, int pid, UnservedCallPolicy unserved, RestartImages? restart)
{
    private static readonly TimeSpan RoutePatience = TimeSpan.FromSeconds(30);

    private readonly Lock _lock = new();
    private RemoteRun? _away;
    private bool _moving;

    /// <summary>The node the process runs on, or null at home.</summary>
    public string? Where
    {
        get
        {
            lock (_lock)
                return _away is { Ended.IsCompleted: false } away ? away.Node : null;
        }
    }

    /// <summary>The process's pid (its home pid, wherever it runs).</summary>
    public int Pid => pid;

    /// <summary>The last stay away that ended, or the one under way: where it was, and whether a call brought it home.</summary>
    public RemoteRun? LastStay
    {
        get
        {
            lock (_lock)
                return _away;
        }
    }

    /// <summary>True while a move (away or home) is under way.</summary>
    public bool Moving
    {
        get
        {
            lock (_lock)
                return _moving;
        }
    }

    /// <summary>running, migrating, or away.</summary>
    public string State
    {
        get
        {
            lock (_lock)
                return _moving ? "migrating" : Where is null ? "running" : "away";
        }
    }

    /// <summary>
    /// Moves the process to <paramref name="node"/>; the reply for migrate (it stays where it is on
    /// failure). From another node it goes through home, where its deputy is.
    /// </summary>
    public ControlLine.Reply MoveTo(string node)
    {
        string? there = Where;
        if (there == node)
            return new ControlLine.Reply(true, $"the process runs on {node} already");
        if (there is not null && BringHome() is { Ok: false } stuck)
            return stuck;
        lock (_lock)
        {
            if (_moving)
                return new ControlLine.Reply(false, "the process is already moving");
            if (Where is { } still)
                return new ControlLine.Reply(false, $"the process runs on {still}; bring it home first (migrate PID home)");
            _moving = true;
        }
        try
        {
            var offer = new GuestOffer
            {
                Node = node,
                HomePid = (uint)pid,
                Command = ProcessStatus.Comm(pid) ?? "?",
                MemoryBytes = (ulong)(ProcessStatus.ResidentBytes(pid) ?? 0),
            };
            var (frames, guest) = GuestRoute.Open(StateDirectory.Resolve(null), offer, RoutePatience);
            RemoteRun away;
            try
            {
                away = RemoteRun.MoveAway(supervisor, pid, frames, guest.Node, unserved, Notice, restart);
            }
            catch
            {
                frames.Dispose();
                throw;
            }
            lock (_lock)
                _away = away;
            return new ControlLine.Reply(true, $"moved to {away.Node} ({Sizes.Describe(away.ImageBytes)} sent, frozen {away.Frozen.TotalMilliseconds:F0} ms)");
        }
        catch (Exception e) when (e is AgentUnreachableException or MigrationException)
        {
            return new ControlLine.Reply(false, $"the process stays where it is: {e.Message}");
        }
        catch (InvalidOperationException e) // the process ended meanwhile
        {
            return new ControlLine.Reply(false, e.Message);
        }
        catch (Sandbox.Tracing.TraceeGoneException)
        {
            return new ControlLine.Reply(false, $"process {pid} has exited");
        }
        finally
        {
            lock (_lock)
                _moving = false;
        }
    }

    /// <summary>Brings the process home; the reply for migrate.</summary>
    public ControlLine.Reply BringHome()
    {
        RemoteRun? away;
        lock (_lock)
            away = _away is { Ended.IsCompleted: false } a ? a : null;
        if (away is null)
            return new ControlLine.Reply(true, "the process is at home");
        string? refusal = away.BringHome("migrate home").GetAwaiter().GetResult();
        return refusal is null
            ? new ControlLine.Reply(true, $"back home from {away.Node}")
            : new ControlLine.Reply(false, $"the process stays on {away.Node}: {refusal}");
    }

    /// <summary>
    /// A guest host's notice, for the user's terminal. It is the guest node's word: control
    /// characters (an escape sequence, a carriage return over an earlier line) are shown as '?'.
    /// </summary>
    private static void Notice(string text) =>
        Console.Error.WriteLine($"mosrun: {string.Concat(text.Select(c => char.IsControl(c) ? '?' : c))}");
}
