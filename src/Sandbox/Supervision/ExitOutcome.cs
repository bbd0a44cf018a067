using Mosix.Sandbox.Interop;

namespace Mosix.Sandbox.Supervision;

/// <summary>How the root process of a supervised tree ended.</summary>
/// <param name="ExitCode">Its exit code, when it exited.</param>
/// <param name="Signal">The signal that killed it, or 0.</param>
/// <param name="CoreDumped">Whether that signal dumped core.</param>
/// <param name="ExecErrno">Non-zero when execve itself failed: the program never ran.</param>
public sealed record ExitOutcome(int ExitCode, int Signal, bool CoreDumped, int ExecErrno)
{
    /// <summary>The status a shell would show in <c>$?</c>.</summary>
    public int ShellStatus => Signal != 0 ? 128 + Signal : ExitCode;

    public override string ToString() =>
        ExecErrno != 0 ? $"exec failed: {Errno.Describe(ExecErrno)}" :
        Signal != 0 ? $"killed by SIG{Libc.SignalName(Signal)}{(CoreDumped ? " (core dumped)" : "")}" :
        $"exited {ExitCode}";
}
