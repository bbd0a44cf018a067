using Microsoft.Win32.SafeHandles;
using Mosix.Sandbox.Interop;

namespace Mosix.Sandbox.Forwarding;

/// <summary>
/// Home's answer to <see cref="IHomeFiles.Describe"/>: the deputy's descriptor, taken with
/// pidfd_getfd (the very open file the process would map at home), described and hashed by home
/// itself: no injection, no ptrace stop.
/// </summary>
/// <remarks>
/// The hash is over what this descriptor reads now, so it is home's content, whatever the path
/// names meanwhile. The deputy must not run meanwhile (it stands in its pause loop).
/// </remarks>
public sealed class DeputyFiles(SafeFileHandle deputy) : IDisposable
{
    /// <summary>A handle on <paramref name="deputyPid"/>, or null if the kernel has no pidfd_getfd for us.</summary>
    public static DeputyFiles? For(int deputyPid) =>
        PidFd.Open(deputyPid, out _) is { } pidfd ? new DeputyFiles(pidfd) : null;

    /// <summary>The file on the deputy's <paramref name="fd"/>; null if it is none to describe, or cannot be read (the mapping is then made at home).</summary>
    public HomeFile? Describe(int fd)
    {
        int copy = PidFd.GetFd(deputy, fd);
        if (copy < 0)
            return null;
        using var file = new SafeFileHandle(copy, ownsHandle: true);
        if (FileStat.VersionOf(copy) is not { Regular: true } stat || !Descriptors.IsOpenForReading(copy))
            return null;
        try
        {
            string? path = new FileInfo($"/proc/self/fd/{copy}").LinkTarget;
            if (path is null || !path.StartsWith('/') || path.EndsWith(" (deleted)", StringComparison.Ordinal))
                return null;
            return new HomeFile(path, stat.Version.Size, FileDigests.Of(file)?.Sha256);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null; // an I/O error on home's file is the kernel's to report, at home
        }
    }

    public void Dispose() => deputy.Dispose();
}
