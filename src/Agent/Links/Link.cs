using System.Net;
using Mosix.Shim.Wire;

namespace Mosix.Agent.Links;

/// <summary>
/// One authenticated connection between two agents: TLS 1.3 with both certificates checked
/// against the cluster CA, then Hello/Welcome (<c>Link.Handshake.cs</c>), then gossip frames
/// (<c>Link.Gossip.cs</c>). docs/protocol.md, "Links", is the spec.
/// </summary>
/// <remarks>
/// Links are one-way for gossip: the dialer sends, the listener receives (and may answer only
/// with a Refusal or a Goodbye). Each pair of nodes that gossip both ways holds two links.
/// </remarks>
public sealed partial class Link : IAsyncDisposable
{
    private readonly FrameStream _frames;

    private Link(FrameStream frames, string peerNode, string remote, Features features, IPAddress? localAddress)
    {
        _frames = frames;
        PeerNode = peerNode;
        Remote = remote;
        Features = features;
        LocalAddress = localAddress;
    }

    /// <summary>The peer's node name, as its certificate proved it.</summary>
    public string PeerNode { get; }

    /// <summary>The peer's address, for logs.</summary>
    public string Remote { get; }

    /// <summary>The address of this end: for an accepted link, the one the peer reached us by
    /// (where a guest host listens for its home, which can evidently reach it).</summary>
    public IPAddress? LocalAddress { get; }

    /// <summary>The link's frames.</summary>
    public FrameStream Frames => _frames;

    /// <summary>The features both sides announced.</summary>
    public Features Features { get; }

    public ValueTask DisposeAsync() => _frames.DisposeAsync();

    public override string ToString() => $"{PeerNode} ({Remote})";
}
