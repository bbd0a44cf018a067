namespace Mosix.Sandbox.Interop;

/// <summary>Linux errno values (asm-generic/errno-base.h, errno.h) the supervisor names.</summary>
public static class Errno
{
    public const int EPERM = 1;
    public const int ENOENT = 2;
    public const int ESRCH = 3;
    public const int EINTR = 4;
    public const int EIO = 5;
    public const int ENOEXEC = 8;
    public const int EBADF = 9;
    public const int ECHILD = 10;
    public const int EAGAIN = 11;
    public const int ENOMEM = 12;
    public const int EACCES = 13;
    public const int EFAULT = 14;
    public const int EBUSY = 16;
    public const int EEXIST = 17;
    public const int ENOTDIR = 20;
    public const int EISDIR = 21;
    public const int EINVAL = 22;
    public const int ENOSPC = 28;
    public const int ENOSYS = 38;
    public const int ELOOP = 40;
    public const int EOPNOTSUPP = 95;
    public const int EAFNOSUPPORT = 97;
    public const int ETXTBSY = 26;
    public const int ENAMETOOLONG = 36;

    /// <summary>The C library's message for <paramref name="errno"/>, as strerror(3) words it.</summary>
    public static string Describe(int errno) => errno switch
    {
        ENOENT => "No such file or directory",
        EACCES => "Permission denied",
        ENOEXEC => "Exec format error",
        ENOTDIR => "Not a directory",
        EISDIR => "Is a directory",
        ELOOP => "Too many levels of symbolic links",
        ENAMETOOLONG => "File name too long",
        ETXTBSY => "Text file busy",
        ENOMEM => "Cannot allocate memory",
        EPERM => "Operation not permitted",
        _ => new System.ComponentModel.Win32Exception(errno).Message,
    };
}
