namespace Mosix.Shim.Wire;

/// <summary>
/// What a frame carries (docs/protocol.md, "Message kinds"). The numbers are the wire: never change
/// or reuse one; retire a kind by leaving its number unused here.
/// </summary>
/// <remarks>1-99: links between agents. 100-199: the local control socket. 200-299: migration
/// (an agent's GuestOffer, then the home and the guest talking on their own sealed channel).</remarks>
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
    // 104, 105: reserved (an agent-side process list, never used: mosps asks each mosrun).
    OwnerCommand = 106,
    OwnerReply = 107,

    /// <summary>mosrun: its program, for placement; the connection stays open while it lives.</summary>
    ProcessRegister = 108,
    ProcessRegistered = 109,
    BestNodeRequest = 110,
    BestNodeReply = 111,

    /// <summary>mosrun -q: waits on the open connection for <see cref="QueueGrant"/>.</summary>
    QueueRequest = 112,
    QueueGrant = 113,
    QueueListRequest = 114,
    QueueList = 115,
    QueueChange = 116,
    QueueChangeReply = 117,

    /// <summary>The agent could not answer a control request (unknown kind, bad request).</summary>
    ControlError = 199,

    // Migration (docs/protocol.md, "Migration").

    /// <summary>mosrun to its agent (control socket), then that agent to the target's (a new link).</summary>
    GuestOffer = 200,

    /// <summary>The target took the guest and says where its channel waits.</summary>
    GuestAccepted = 201,

    // 202 was ImageChunk (raw image file bytes, before images were restored as they arrive): retired.

    /// <summary>The image is complete.</summary>
    ImageEnd = 203,

    /// <summary>The receiver of an image restored it, or says why not.</summary>
    Restored = 204,

    /// <summary>Home became the deputy: the incarnation may run.</summary>
    Proceed = 205,

    /// <summary>An image's layout, before its pages: a raw ProcessImage with every mapping, no page runs.</summary>
    ImageLayout = 206,

    /// <summary>Pages of an image and where they belong: a u64 LE address, then whole pages.</summary>
    PagesAt = 207,

    /// <summary>A forwarded call, guest to home.</summary>
    Call = 210,

    /// <summary>Its result, home to guest.</summary>
    CallResult = 211,

    /// <summary>A signal for the incarnation, home to guest.</summary>
    ForwardSignal = 212,

    /// <summary>The incarnation ended, guest to home.</summary>
    GuestExit = 213,

    /// <summary>Home asks for the process back.</summary>
    ComeHome = 214,

    /// <summary>The guest sends the process home: the image follows.</summary>
    GoingHome = 215,

    /// <summary>The guest cannot send the process home now; it goes on there.</summary>
    StayingAway = 216,

    /// <summary>A line for the user, guest to home.</summary>
    Notice = 217,

    /// <summary>Home's first frame on the channel.</summary>
    ChannelHello = 218,

    /// <summary>Target agent to a new guest host (its stdin): the key and where to listen.</summary>
    GuestStart = 219,

    /// <summary>Guest host to its agent (its stdout): the channel's port.</summary>
    GuestListening = 220,

    /// <summary>Agent to a guest host (its stdin): the owner wants the node free; the process goes home.</summary>
    GuestLeave = 221,

    /// <summary>Guest to home: describe and hash the file on one of the deputy's descriptors (a private file mapping away).</summary>
    MappedFileQuery = 222,

    /// <summary>Home to guest: the file's path, size and SHA-256, or that it is none home will describe.</summary>
    MappedFileAnswer = 223,

    /// <summary>Guest to home: the process is about to go home; calls blocked at home are cut short.</summary>
    Departing = 224,

    /// <summary>Guest to home: a thread exited away; its deputy thread is ended.</summary>
    ThreadExit = 225,
}
