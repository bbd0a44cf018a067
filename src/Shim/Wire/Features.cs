namespace Mosix.Shim.Wire;

/// <summary>
/// Optional abilities announced in the handshake (docs/protocol.md, "Handshake"). Bits are the wire:
/// never reuse one. A link uses the features both sides announce.
/// </summary>
[Flags]
public enum Features : ulong
{
    None = 0,

    /// <summary>Gossip of load vectors (every agent since protocol 1).</summary>
    Gossip = 1 << 0,

    /// <summary>Goodbye frames on leaving, so peers drop the node before the silence timeout.</summary>
    Goodbye = 1 << 1,
}
