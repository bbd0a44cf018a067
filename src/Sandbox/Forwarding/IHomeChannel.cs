namespace Mosix.Sandbox.Forwarding;

/// <summary>
/// The way home for an incarnation's home-class calls: one call out, its result back, in order.
/// The Shim implements it over an agents' link; tests implement it in memory.
/// </summary>
/// <remarks>Called on the incarnation's tracer thread: implementations block, never await.</remarks>
public interface IHomeChannel
{
    ForwardedResult Call(ForwardedCall call);
}
