namespace Mosix.Shim.Wire;

/// <summary>The protocol this build speaks (docs/protocol.md).</summary>
/// <remarks>
/// Bump <see cref="Current"/> when a change would make an older agent misread a frame: a new
/// meaning for an existing field or kind. Adding fields, kinds or feature bits is not a bump: old
/// agents skip unknown protobuf fields, and features are negotiated.
/// </remarks>
public static class ProtocolVersion
{
    public const uint Current = 1;

    /// <summary>The oldest version this build still talks to.</summary>
    public const uint Oldest = 1;

    public static Features Supported => Features.Gossip | Features.Goodbye;

    public static bool IsSupported(uint version) => version >= Oldest && version <= Current;
}
