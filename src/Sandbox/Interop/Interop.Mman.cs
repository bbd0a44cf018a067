namespace Mosix.Sandbox.Interop;

/// <summary>Constants of mmap(2), mremap(2), prctl(2) and friends, for injected calls.</summary>
public static class Mman
{
    public const ulong PROT_NONE = 0, PROT_READ = 1, PROT_WRITE = 2, PROT_EXEC = 4;
    public const ulong MAP_SHARED = 0x01, MAP_PRIVATE = 0x02, MAP_FIXED = 0x10, MAP_ANONYMOUS = 0x20,
        MAP_GROWSDOWN = 0x100, MAP_NORESERVE = 0x4000, MAP_FIXED_NOREPLACE = 0x100000;
    public const ulong MREMAP_MAYMOVE = 1, MREMAP_FIXED = 2;
    public const ulong PageSize = 4096;

    public const ulong PR_SET_NAME = 15, PR_SET_MM = 35, PR_SET_MM_MAP = 14, PR_SET_MM_MAP_SIZE = 15,
        PR_GET_TID_ADDRESS = 40;

    public const ulong O_RDONLY = 0, O_CLOEXEC = 0x80000, AT_FDCWD = unchecked((ulong)-100);

    /// <summary>Rounds <paramref name="value"/> up to a page boundary.</summary>
    public static ulong PageAlignUp(ulong value) => (value + PageSize - 1) & ~(PageSize - 1);
}
