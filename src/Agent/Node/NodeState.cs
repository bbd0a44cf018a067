using System.Security.Cryptography;
using Mosix.Agent.Discovery;

namespace Mosix.Agent.Node;

/// <summary>
/// What the owner decided about this node (block, expel, shutdown) and its guests. Thread-safe.
/// The states are MOSIX's: blocked = no new guests; expelling = guests are asked to leave;
/// leaving = the node leaves the cluster once no guest is left.
/// </summary>
/// <remarks>Expel and shutdown raise <see cref="GuestsAskedToLeave"/>: the guest hosts are told, and
/// each sends its process home; the last one out ends the expel (or lets the node leave).</remarks>
public sealed class NodeState(bool acceptGuests)
{
    /// <summary>The owner asked the guests to leave (mosctl expel, shutdown); the argument says why.</summary>
    public event Action<string>? GuestsAskedToLeave;

    private readonly Lock _lock = new();
    private bool _blocked = !acceptGuests;
    private bool _expelling;
    private bool _leaving;
    private int _guests;
    private readonly Dictionary<string, int> _priorities = new(StringComparer.Ordinal);

    /// <summary>MOSIX's default priority for guests from a node the owner said nothing about.</summary>
    public const int DefaultPriority = 50;

    /// <summary>
    /// The priority of guests from <paramref name="home"/>: lower is more important. When the
    /// owner's own work needs the node, the least important guests leave first.
    /// </summary>
    public int PriorityOf(string home)
    {
        lock (_lock)
            return _priorities.TryGetValue(home, out int priority) ? priority : DefaultPriority;
    }

    /// <summary>mosctl cngpri NODE PRIORITY (and guestPriorities in mosixd.json at start).</summary>
    public void SetPriority(string home, int priority)
    {
        lock (_lock)
            _priorities[home] = priority;
    }

    /// <summary>Random per start: lets peers tell this run's vectors from a previous run's.</summary>
    public ulong Incarnation { get; } = BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(8));

    public DateTimeOffset StartedAt { get; } = DateTimeOffset.UtcNow;

    public bool Blocked { get { lock (_lock) return _blocked; } }

    public bool Expelling { get { lock (_lock) return _expelling; } }

    public bool Leaving { get { lock (_lock) return _leaving; } }

    public int Guests { get { lock (_lock) return _guests; } }

    public NodeConditions Conditions
    {
        get
        {
            lock (_lock)
            {
                return (_blocked ? NodeConditions.Blocked : 0) | (_expelling ? NodeConditions.Expelling : 0) | (_leaving ? NodeConditions.Leaving : 0);
            }
        }
    }

    /// <summary>Blocks or unblocks new guests; false when it already was so. A leaving node stays blocked.</summary>
    public bool SetBlocked(bool blocked)
    {
        lock (_lock)
        {
            if (_blocked == blocked || (!blocked && _leaving))
                return false;
            _blocked = blocked;
            return true;
        }
    }

    /// <summary>Admits one guest unless the node is blocked or full; the migration code asks before it accepts one.</summary>
    public bool TryAdmitGuest(int maxGuests)
    {
        lock (_lock)
        {
            if (_blocked || _guests >= maxGuests)
                return false;
            _guests++;
            return true;
        }
    }

    /// <summary>A guest left (went home, moved on, or ended); the last one to leave ends an expel.</summary>
    public void GuestLeft()
    {
        lock (_lock)
        {
            _guests = Math.Max(0, _guests - 1);
            if (_guests == 0)
                _expelling = false;
        }
    }

    /// <summary>Asks guests to leave; returns how many there are. With none, there is nothing left to expel.</summary>
    public int Expel()
    {
        int guests;
        lock (_lock)
        {
            _expelling = _guests > 0;
            guests = _guests;
        }
        if (guests > 0)
            GuestsAskedToLeave?.Invoke("this node's owner expelled its guests (mosctl expel)");
        return guests;
    }

    /// <summary>Starts leaving: blocked, expelling; returns the guests still to wait for.</summary>
    public int BeginLeaving()
    {
        int guests;
        lock (_lock)
        {
            _leaving = true;
            _blocked = true;
            _expelling = _guests > 0;
            guests = _guests;
        }
        if (guests > 0)
            GuestsAskedToLeave?.Invoke("this node is leaving the cluster (mosctl shutdown)");
        return guests;
    }
}
