using Mosix.Sandbox.Interop;
using Mosix.Sandbox.Memory;
using Mosix.Sandbox.Syscalls;

namespace Mosix.Sandbox.Injection;

/// <summary>
/// A private read-write area mapped inside the tracee for the arguments and results of injected
/// calls (paths, structs the kernel fills). Unmapped on Dispose.
/// </summary>
public sealed class RemoteScratch : IDisposable
{
    private readonly RemoteSyscalls _remote;
    private readonly bool _owned;
    private bool _disposed;

    private RemoteScratch(RemoteSyscalls remote, ulong address, ulong size, bool owned = true)
    {
        _remote = remote;
        Address = address;
        Size = size;
        _owned = owned;
    }

    /// <summary>An area that outlives this scope (the deputy's): Dispose leaves it mapped.</summary>
    public static RemoteScratch Borrow(RemoteSyscalls remote, ulong address, ulong size) => new(remote, address, size, owned: false);

    public ulong Address { get; }
    public ulong Size { get; }

    private int Pid => _remote.Tracee.Tid;

    /// <summary>Maps <paramref name="size"/> bytes anywhere, or exactly at <paramref name="at"/> if given (never over an existing mapping).</summary>
    public static RemoteScratch Map(RemoteSyscalls remote, ulong size, ulong at = 0)
    {
        size = Mman.PageAlignUp(size);
        ulong flags = Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS | (at != 0 ? Mman.MAP_FIXED_NOREPLACE : 0);
        ulong address = remote.Checked(Sys.Mmap, at, size, Mman.PROT_READ | Mman.PROT_WRITE, flags, ulong.MaxValue, 0);
        return new RemoteScratch(remote, address, size);
    }

    /// <summary>Copies <paramref name="bytes"/> to offset <paramref name="offset"/>; returns their remote address.</summary>
    public ulong Put(ulong offset, ReadOnlySpan<byte> bytes)
    {
        if (offset + (ulong)bytes.Length > Size)
            throw new ArgumentOutOfRangeException(nameof(bytes), "does not fit in the scratch area");
        if (!ProcessMemory.TryWrite(Pid, Address + offset, bytes))
            throw new InvalidOperationException($"cannot write the scratch area of process {Pid}");
        return Address + offset;
    }

    /// <summary>A NUL-terminated UTF-8 copy of <paramref name="text"/> at <paramref name="offset"/>.</summary>
    public ulong PutString(ulong offset, string text)
    {
        byte[] bytes = new byte[System.Text.Encoding.UTF8.GetByteCount(text) + 1];
        System.Text.Encoding.UTF8.GetBytes(text, bytes);
        return Put(offset, bytes);
    }

    /// <summary>Reads back what an injected call wrote at <paramref name="offset"/>.</summary>
    public byte[] Get(ulong offset, int length)
    {
        var bytes = new byte[length];
        if (!ProcessMemory.TryRead(Pid, Address + offset, bytes))
            throw new InvalidOperationException($"cannot read the scratch area of process {Pid}");
        return bytes;
    }

    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        if (_owned)
            _remote.Syscall(Sys.Munmap, Address, Size);
    }
}
