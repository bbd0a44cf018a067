using Mosix.Sandbox.Forwarding;
using Mosix.Sandbox.Syscalls;
using NUnit.Framework;

namespace Mosix.Tests.Sandbox;

/// <summary>
/// What home refuses of a call from a guest before making it (CallBounds): a node that sends a
/// call home must never make home's kernel touch memory outside the buffers home laid out.
/// </summary>
[TestFixture]
public sealed class CallBoundsTests
{
    private static ForwardedCall Call(long number, ulong[] args, params CallBuffer[] buffers) => new(number, args, buffers);

    [Test]
    public void ACallAsAGuestSendsItPasses()
    {
        var read = Call(Sys.Read, [3, 0x1000, 4096, 0, 0, 0], new CallBuffer(1, BufferDirection.Out, [], 4096));
        var open = Call(Sys.Openat, [unchecked((ulong)-100), 0x1000, 0, 0, 0, 0], new CallBuffer(1, BufferDirection.In, "/etc/hostname\0"u8.ToArray(), 0));
        Assert.Multiple(() =>
        {
            Assert.That(CallBounds.Violation(read), Is.Null);
            Assert.That(CallBounds.Violation(open), Is.Null);
        });
    }

    [Test]
    public void ACountLargerThanItsBufferIsRefused()
    {
        // The hole of a large read: 32 MiB named, 16 MiB of room; home's kernel would write past it.
        var read = Call(Sys.Read, [3, 0x1000, 32 << 20, 0, 0, 0], new CallBuffer(1, BufferDirection.Out, [], 16 << 20));
        var write = Call(Sys.Write, [1, 0x1000, 100, 0, 0, 0], new CallBuffer(1, BufferDirection.In, new byte[10], 0));
        Assert.Multiple(() =>
        {
            Assert.That(CallBounds.Violation(read), Does.Contain("33554432 bytes named"));
            Assert.That(CallBounds.Violation(write), Does.Contain("100 bytes named, 10 sent"));
        });
    }

    [Test]
    public void APointerWithoutItsBufferIsRefused()
    {
        // fstat's struct pointer left raw would be an address in home's own memory (DirectCalls).
        var fstat = Call(Sys.Fstat, [3, 0x7fff0000, 0, 0, 0, 0]);
        var shortStat = Call(Sys.Fstat, [3, 0x1000, 0, 0, 0, 0], new CallBuffer(1, BufferDirection.Out, [], 8));
        Assert.Multiple(() =>
        {
            Assert.That(CallBounds.Violation(fstat), Does.Contain("a pointer with no buffer"));
            Assert.That(CallBounds.Violation(shortStat), Does.Contain("144 bytes named, 8 sent"));
        });
    }

    [Test]
    public void CallsTheTableDoesNotForwardAndMisshapenBuffersAreRefused()
    {
        var exec = Call(59, [0x1000, 0, 0, 0, 0, 0], new CallBuffer(0, BufferDirection.In, "/bin/sh\0"u8.ToArray(), 0));
        var ptrace = Call(101, [16, 1, 0, 0, 0, 0]);
        var unterminated = Call(Sys.Openat, [unchecked((ulong)-100), 0x1000, 0, 0, 0, 0], new CallBuffer(1, BufferDirection.In, "/etc/passwd"u8.ToArray(), 0));
        var backwards = Call(Sys.Write, [1, 0x1000, 4, 0, 0, 0], new CallBuffer(1, BufferDirection.Out, [], 4));
        var twice = Call(Sys.Read, [3, 0x1000, 4, 0, 0, 0], new CallBuffer(1, BufferDirection.Out, [], 4), new CallBuffer(1, BufferDirection.Out, [], 4));
        var onAnInteger = Call(Sys.Read, [3, 0x1000, 4, 0, 0, 0], new CallBuffer(1, BufferDirection.Out, [], 4), new CallBuffer(2, BufferDirection.In, new byte[4], 0));
        Assert.Multiple(() =>
        {
            Assert.That(CallBounds.Violation(exec), Does.Contain("execve is not a call home makes"));
            Assert.That(CallBounds.Violation(ptrace), Does.Contain("ptrace is not a call home makes"));
            Assert.That(CallBounds.Violation(unterminated), Does.Contain("without its terminating NUL"));
            Assert.That(CallBounds.Violation(backwards), Does.Contain("the table says In"));
            Assert.That(CallBounds.Violation(twice), Does.Contain("a buffer for argument 1"));
            Assert.That(CallBounds.Violation(onAnInteger), Does.Contain("not a pointer"));
        });
    }
}
