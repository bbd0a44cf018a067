using Mosix.Sandbox.Forwarding;
using Mosix.Sandbox.Interop;
using Mosix.Shim.Wire;

namespace Mosix.Migrator.Migration;

/// <summary>
/// The guest's way home: each forwarded call goes out as a Call frame and the tracer thread waits
/// until the guest's reader thread hands it the CallResult. Calls are strictly one at a time (an
/// incarnation is one thread, and its tracer makes one call at a time).
/// </summary>
internal sealed class WireHomeChannel(FrameStream frames) : IHomeChannel
{
    // No spinning while the call is at home: the spinner would take a core from the threads that
    // answer it (the reader here, the deputy's tracer at home on a small machine).
    private readonly ManualResetEventSlim _answered = new(false, spinCount: 0);
    private ForwardedResult? _result;
    private volatile bool _lost;

    public ForwardedResult Call(ForwardedCall call)
    {
        if (_lost)
            return ForwardedResult.Error(Errno.EIO);
        try
        {
            frames.Write(MessageKind.Call, CallCodec.ToWire(call));
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            return ForwardedResult.Error(Errno.EIO); // home is gone; the reader ends the process
        }
        _answered.Wait();
        _answered.Reset();
        return Interlocked.Exchange(ref _result, null) ?? ForwardedResult.Error(Errno.EIO); // none: home was lost
    }

    /// <summary>The reader thread got the answer to the call in flight.</summary>
    public void Answer(ForwardedResult result)
    {
        _result = result;
        _answered.Set();
    }

    /// <summary>Home is gone: the call in flight, and any later one, fail with EIO.</summary>
    public void Lose()
    {
        _lost = true;
        _answered.Set();
    }
}
