using Microsoft.Extensions.Logging;
using Mosix.Agent.Discovery;
using Mosix.Shim.Local;
using Mosix.Shim.Security;

namespace Mosix.Agent.Configuration;

/// <summary>The agent's settings after the file, the command line and the credentials were merged and checked.</summary>
public sealed record AgentOptions
{
    public const int DefaultPort = 7471;

    public required StateDirectory State { get; init; }

    public required string Name { get; init; }

    /// <summary>Null without credentials: a one-node cluster opens no port.</summary>
    public required NetworkEndpoint? Listen { get; init; }

    /// <summary>What other nodes dial to reach this one.</summary>
    public required NetworkEndpoint? Advertise { get; init; }

    public required IReadOnlyList<NetworkEndpoint> Seeds { get; init; }

    /// <summary>Overrides the measured CPU speed factor.</summary>
    public double? Speed { get; init; }

    /// <summary>Added to the measured load: for tests and demonstrations of a busy node.</summary>
    public double ExtraLoad { get; init; }

    public required GossipSettings Gossip { get; init; }

    public bool AcceptGuests { get; init; } = true;

    /// <summary>Null: as many as the node has cores.</summary>
    public int? MaxGuests { get; init; }

    /// <summary>--lstay: the balancer leaves this node's processes where they are.</summary>
    public bool LocalStay { get; init; }

    /// <summary>--memory-reserve: below this fraction of free memory, a node's processes are ushered out.</summary>
    public double MemoryReserve { get; init; } = 0.1;

    /// <summary>guestPriorities: home node to priority (lower leave last) at start.</summary>
    public IReadOnlyDictionary<string, int> GuestPriorities { get; init; } = new Dictionary<string, int>();

    /// <summary>guestsFrom: the only home nodes whose processes this node hosts; null for all.</summary>
    public IReadOnlySet<string>? GuestsFrom { get; init; }

    /// <summary>guestUsers: the only users whose processes this node hosts; null for all.</summary>
    public IReadOnlySet<string>? GuestUsers { get; init; }

    public LogLevel LogLevel { get; init; } = LogLevel.Information;

    public NodeCredentials? Credentials { get; init; }
}
