using Mosix.Agent.Discovery;
using Mosix.Shim.Wire;
using Mosix.Shim.Wire.Messages;

namespace Mosix.Agent.Links;

public sealed partial class Link
{
    /// <summary>Sends an encoded frame (a Gossip frame is encoded once per round and sent to every target).</summary>
    public Task SendAsync(Frame frame, CancellationToken cancel) => _frames.WriteAsync(frame, cancel);

    public Task SendGoodbyeAsync(string node, string reason, CancellationToken cancel) =>
        _frames.WriteAsync(MessageKind.Goodbye, new Goodbye { Node = node, Reason = reason }, cancel);

    /// <summary>Reads frames until the peer closes cleanly, handing gossip and goodbyes to <paramref name="sink"/>.</summary>
    /// <exception cref="FrameException">A frame this side of the link may not carry, or a malformed one: the caller closes the link.</exception>
    /// <exception cref="RefusedException">The peer refused us after all.</exception>
    /// <param name="onGuest">Serves a GuestOffer, which may only be a link's first frame: the link is then the guest's.</param>
    public async Task ReceiveAsync(ILinkSink sink, CancellationToken cancel, Func<Link, GuestOffer, Task>? onGuest = null)
    {
        bool first = true;
        while (await _frames.ReadAsync(cancel) is { } frame)
        {
            switch (frame.Kind)
            {
                case MessageKind.GuestOffer when first && onGuest is not null:
                    await onGuest(this, frame.Read(GuestOffer.Parser));
                    return;
                case MessageKind.Gossip:
                    sink.OnGossip(PeerNode, ReadGossip(frame));
                    break;
                case MessageKind.Goodbye:
                    var goodbye = frame.Read(Goodbye.Parser);
                    if (goodbye.Node == PeerNode)
                        sink.OnGoodbye(PeerNode);
                    break;
                case MessageKind.Refusal:
                    throw new RefusedException(frame.Read(Refusal.Parser).Reason);
                default:
                    throw new FrameException($"{FrameStream.Describe(frame.Kind)} is not allowed on a link");
            }
            first = false;
        }
    }

    private GossipMessage ReadGossip(Frame frame)
    {
        var gossip = frame.Read(Gossip.Parser);
        if (gossip.Vectors.Count > VectorMapping.MaxVectorsPerFrame)
            throw new FrameException($"gossip with {gossip.Vectors.Count} vectors (at most {VectorMapping.MaxVectorsPerFrame})");
        var vectors = new List<AgedVector>(gossip.Vectors.Count);
        foreach (var wire in gossip.Vectors)
            vectors.Add(VectorMapping.FromWire(wire, out string? problem) ?? throw new FrameException($"bad load vector: {problem}"));
        if (vectors.Count == 0 || vectors[0].Vector.Node != PeerNode)
            throw new FrameException($"gossip from {PeerNode} does not start with its own vector");
        return new GossipMessage(vectors);
    }
}

/// <summary>Where received gossip goes: the node's dissemination.</summary>
public interface ILinkSink
{
    void OnGossip(string peer, GossipMessage message);

    void OnGoodbye(string peer);
}
