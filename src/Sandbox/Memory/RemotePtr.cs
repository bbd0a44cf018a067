namespace Mosix.Sandbox.Memory;

/// <summary>
/// An address in a tracee's address space, typed by what it points to, so that a remote address
/// is never mistaken for a local one or for a plain integer.
/// </summary>
public readonly record struct RemotePtr<T>(ulong Address) where T : unmanaged
{
    public static RemotePtr<T> Null => default;
    public bool IsNull => Address == 0;

    /// <summary>The address <paramref name="count"/> elements further on.</summary>
    public unsafe RemotePtr<T> Offset(long count) => new(Address + (ulong)(count * sizeof(T)));

    /// <summary>The same address, seen as pointing to <typeparamref name="TOther"/>.</summary>
    public RemotePtr<TOther> As<TOther>() where TOther : unmanaged => new(Address);

    public override string ToString() => $"0x{Address:x}";
}
