using Mosix.Sandbox.Forwarding;
using Mosix.Sandbox.Interop;
using Mosix.Shim.Wire;
using Mosix.Shim.Wire.Messages;

namespace Mosix.Migrator.Migration;

/// <summary>
/// The guest's way home: each forwarded call goes out as a Call frame naming its thread, and its
/// CallResult, naming the same thread, is handed by the guest's reader thread to whoever waits for
/// it: the tracer thread blocked in <see cref="Call"/>, or the callback of <see cref="Begin"/>.
/// Each thread has at most one call at home; a file mapping's question (MappedFileQuery) has one
/// slot of its own, asked on the tracer thread.
/// </summary>
internal sealed class WireHomeChannel(FrameStream frames) : IHomeChannel, IHomeFiles
{
    /// <summary>The slot of MappedFileQuery's answer (no thread's call uses it: tids are positive).</summary>
    private const int FileSlot = -1;

    private readonly Lock _lock = new();
    private readonly Dictionary<int, Action<object?>> _waiting = [];
    private bool _lost;

    public ForwardedResult Call(ForwardedCall call, int thread = 0) =>
        Ask(thread, MessageKind.Call, CallCodec.ToWire(call, thread)) as ForwardedResult ?? ForwardedResult.Error(Errno.EIO);

    public void Begin(ForwardedCall call, int thread, Action<ForwardedResult> answered)
    {
        if (!Send(thread, MessageKind.Call, CallCodec.ToWire(call, thread), answer => answered(answer as ForwardedResult ?? ForwardedResult.Error(Errno.EIO))))
            answered(ForwardedResult.Error(Errno.EIO));
    }

    public HomeFile? Describe(int fd) =>
        Ask(FileSlot, MessageKind.MappedFileQuery, new MappedFileQuery { Fd = fd }) is MappedFileAnswer { Found: true } a
            ? new HomeFile(a.Path, (long)a.Size, a.Sha256.IsEmpty ? null : a.Sha256.ToByteArray())
            : null;

    /// <summary>Sends one request and waits for the reader's answer; null if home is gone.</summary>
    private object? Ask(int slot, MessageKind kind, Google.Protobuf.IMessage request)
    {
        // No spinning while the call is at home: the spinner would take a core from the threads that
        // answer it (the reader here, the deputy's tracer at home on a small machine).
        using var answered = new ManualResetEventSlim(false, spinCount: 0);
        object? answer = null;
        if (!Send(slot, kind, request, a =>
            {
                answer = a;
                answered.Set();
            }))
            return null;
        answered.Wait();
        return answer;
    }

    /// <summary>Registers the waiter for <paramref name="slot"/>'s answer, then sends; false if home is gone (the waiter is not called).</summary>
    private bool Send(int slot, MessageKind kind, Google.Protobuf.IMessage request, Action<object?> onAnswer)
    {
        lock (_lock)
        {
            if (_lost)
                return false;
            if (!_waiting.TryAdd(slot, onAnswer))
                throw new InvalidOperationException($"thread {slot} has a call at home already");
        }
        try
        {
            frames.Write(kind, request);
            return true;
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            lock (_lock)
                _waiting.Remove(slot);
            return false; // home is gone; the reader ends the process
        }
    }

    /// <summary>The reader thread got the answer to thread <paramref name="thread"/>'s call (a ForwardedResult).</summary>
    public void Answer(int thread, ForwardedResult answer) => Deliver(thread, answer);

    /// <summary>The reader thread got the answer to the file question in flight.</summary>
    public void Answer(MappedFileAnswer answer) => Deliver(FileSlot, answer);

    private void Deliver(int slot, object answer)
    {
        Action<object?>? waiter;
        lock (_lock)
            _waiting.Remove(slot, out waiter);
        if (waiter is null)
            throw new FrameException($"home answered a call of thread {slot} that it was not asked");
        waiter(answer);
    }

    /// <summary>Home is gone: the calls in flight, and any later one, fail with EIO.</summary>
    public void Lose()
    {
        List<Action<object?>> waiting;
        lock (_lock)
        {
            _lost = true;
            waiting = [.. _waiting.Values];
            _waiting.Clear();
        }
        foreach (var waiter in waiting)
            waiter(null);
    }
}
