using Mosix.Sandbox.Interop;

namespace Mosix.Sandbox.Spawning;

/// <summary>
/// The program could not be started. <see cref="ShellExitCode"/> is what a shell exits with for
/// the same failure: 127 when the command is not found, 126 when it is found but cannot run.
/// </summary>
public sealed class SpawnException(string program, int errno, bool searchedPath = false)
    : Exception(searchedPath && errno == Interop.Errno.ENOENT ? $"{program}: command not found" : $"{program}: {Interop.Errno.Describe(errno)}")
{
    public string Program { get; } = program;
    public int Errno { get; } = errno;

    public int ShellExitCode => Errno == Interop.Errno.ENOENT ? 127 : 126;
}
