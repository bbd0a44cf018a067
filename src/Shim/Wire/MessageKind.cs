namespace Mosix.Shim.Wire;

/// <summary>
/// What a frame carries (docs/protocol.md, "Message kinds"). The numbers are the wire: never change
/// or reuse one; retire a kind by leaving its number unused here.
/// </summary>
/// <remarks>1-99: links between agents. 100-199: the local control socket.</remarks>
public enum MessageKind : ushort
{
    // Links between agents (docs/protocol.md, "Links").

    /// <summary>The dialer's first frame: protocol version, features, node name, endpoint.</summary>
    Hello = 1,

    /// <summary>The listener's answer when it accepts the Hello.</summary>
    Welcome = 2,

    /// <summary>Either side refuses (version, name, policy); the connection closes after it.</summary>
    Refusal = 3,

    /// <summary>Load vectors: the sender's own first, then the freshest it knows.</summary>
    Gossip = 4,

    /// <summary>The sender is leaving the cluster (mosctl shutdown, SIGTERM).</summary>
    Goodbye = 5,

    // The local control socket (docs/protocol.md, "Local control").

    StatusRequest = 100,
    StatusReply = 101,
    ClusterViewRequest = 102,
    ClusterViewReply = 103,
    ProcessListRequest = 104,
    ProcessListReply = 105,
    OwnerCommand = 106,
    OwnerReply = 107,

    /// <summary>The agent could not answer a control request (unknown kind, bad request).</summary>
    ControlError = 199,
}
