using Mosix.Sandbox.Forwarding;
using Mosix.Sandbox.Interop;
using Mosix.Shim.Wire;
using Mosix.Shim.Wire.Messages;

namespace Mosix.Migrator.Migration;

/// <summary>
/// The guest's way home: each forwarded call goes out as a Call frame and the tracer thread waits
/// until the guest's reader thread hands it the CallResult. Calls are strictly one at a time (an
/// incarnation is one thread, and its tracer makes one call at a time). A file mapping's question
/// to home (MappedFileQuery) takes the same single slot.
/// </summary>
internal sealed class WireHomeChannel(FrameStream frames) : IHomeChannel, IHomeFiles
{
    // No spinning while the call is at home: the spinner would take a core from the threads that
    // answer it (the reader here, the deputy's tracer at home on a small machine).
    private readonly ManualResetEventSlim _answered = new(false, spinCount: 0);
    private object? _answer;
    private volatile bool _lost;

    public ForwardedResult Call(ForwardedCall call) =>
        Ask(MessageKind.Call, CallCodec.ToWire(call)) as ForwardedResult ?? ForwardedResult.Error(Errno.EIO);

    public HomeFile? Describe(int fd) =>
        Ask(MessageKind.MappedFileQuery, new MappedFileQuery { Fd = fd }) is MappedFileAnswer { Found: true } a
            ? new HomeFile(a.Path, (long)a.Size, a.Sha256.IsEmpty ? null : a.Sha256.ToByteArray())
            : null;

    /// <summary>Sends one request and waits for the reader's answer; null if home is gone.</summary>
    private object? Ask(MessageKind kind, Google.Protobuf.IMessage request)
    {
        if (_lost)
            return null;
        try
        {
            frames.Write(kind, request);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            return null; // home is gone; the reader ends the process
        }
        _answered.Wait();
        _answered.Reset();
        return Interlocked.Exchange(ref _answer, null); // none: home was lost
    }

    /// <summary>The reader thread got the answer to the request in flight (a ForwardedResult or a MappedFileAnswer).</summary>
    public void Answer(object answer)
    {
        _answer = answer;
        _answered.Set();
    }

    /// <summary>Home is gone: the call in flight, and any later one, fail with EIO.</summary>
    public void Lose()
    {
        _lost = true;
        _answered.Set();
    }
}
