using System.Runtime.InteropServices;

namespace Mosix.Sandbox.Interop;

/// <summary>process_vm_readv(2) and process_vm_writev(2): bulk copies to and from a tracee's memory.</summary>
internal static unsafe partial class ProcessVm
{
    [StructLayout(LayoutKind.Sequential)]
    public struct IoVec
    {
        public nint Base;
        public nuint Length;
    }

    [LibraryImport("libc", EntryPoint = "process_vm_readv", SetLastError = true)]
    private static partial nint RawRead(int pid, IoVec* local, nuint localCount, IoVec* remote, nuint remoteCount, nuint flags);

    [LibraryImport("libc", EntryPoint = "process_vm_writev", SetLastError = true)]
    private static partial nint RawWrite(int pid, IoVec* local, nuint localCount, IoVec* remote, nuint remoteCount, nuint flags);

    /// <summary>Copies from <paramref name="remote"/> in <paramref name="pid"/>; bytes copied or -errno.</summary>
    public static long Read(int pid, ulong remote, Span<byte> into)
    {
        fixed (byte* p = into)
        {
            var l = new IoVec { Base = (nint)p, Length = (nuint)into.Length };
            var r = new IoVec { Base = (nint)remote, Length = (nuint)into.Length };
            nint n = RawRead(pid, &l, 1, &r, 1, 0);
            return n < 0 ? -Marshal.GetLastSystemError() : n;
        }
    }

    /// <summary>Copies into <paramref name="remote"/> in <paramref name="pid"/>; bytes copied or -errno.</summary>
    public static long Write(int pid, ulong remote, ReadOnlySpan<byte> from)
    {
        fixed (byte* p = from)
        {
            var l = new IoVec { Base = (nint)p, Length = (nuint)from.Length };
            var r = new IoVec { Base = (nint)remote, Length = (nuint)from.Length };
            nint n = RawWrite(pid, &l, 1, &r, 1, 0);
            return n < 0 ? -Marshal.GetLastSystemError() : n;
        }
    }
}
