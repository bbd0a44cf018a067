namespace Mosix.Sandbox.Forwarding;

/// <summary>
/// The way home for an incarnation's home-class calls: one call out, its result back. Each names
/// the thread that made it (its home tid; 0 for a single-threaded process), whose deputy thread
/// runs it: calls of different threads may be at home at once, one per thread.
/// The Shim implements it over an agents' link; tests implement it in memory.
/// </summary>
public interface IHomeChannel
{
    /// <summary>Sends the call and waits for its result. Called on the incarnation's tracer thread: blocks, never awaits.</summary>
    ForwardedResult Call(ForwardedCall call, int thread = 0);

    /// <summary>
    /// Sends the call and returns at once; <paramref name="answered"/> gets its result later, on
    /// another thread (an error result if home is lost). A multi-threaded incarnation's calls, so
    /// that the tracer thread serves the other threads while one's call is at home.
    /// </summary>
    void Begin(ForwardedCall call, int thread, Action<ForwardedResult> answered) => answered(Call(call, thread));
}
