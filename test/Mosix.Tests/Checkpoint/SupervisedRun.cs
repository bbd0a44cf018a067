using Mosix.Tests.Harness;
using NUnit.Framework;

namespace Mosix.Tests.Checkpoint;

/// <summary>
/// A started <c>mosrun</c> (run or restart) under <c>wait_status</c>: its output so far, and the two pids
/// <c>migrate</c> accepts, mosrun's and the program's.
/// </summary>
/// <remarks>
/// The tree is <c>wait_status</c> (the started pid) -> <c>mosrun</c> -> the program (setpriv, for another
/// user, execs in place). The pids are read from /proc once the program has shown it runs, so ask for them
/// only after a <see cref="WaitForStdout"/>. Dispose kills whatever is still running, by pid.
/// </remarks>
public sealed class SupervisedRun(RunningCommand command) : IDisposable
{
    private static readonly TimeSpan StateChangeLimit = TimeSpan.FromSeconds(10);

    private int? _mosrunPid, _programPid;

    public RunningCommand Command => command;

    public byte[] StdoutSoFar => command.StdoutSoFar;

    public int MosrunPid => _mosrunPid ??= OnlyChild(command.Pid, "wait_status");

    public int ProgramPid => _programPid ??= OnlyChild(MosrunPid, "mosrun");

    public void WaitForStdout(string text) => command.WaitForStdout(text);

    public CommandResult WaitForExit() => command.WaitForExit();

    /// <summary>Waits until both mosrun and the program are stopped ('T', or 't' for the tracee) or both run again.</summary>
    public void WaitForStopped(bool stopped)
    {
        var limit = DateTime.UtcNow + StateChangeLimit;
        while (true)
        {
            var states = new[] { ProcessTree.Read(MosrunPid), ProcessTree.Read(ProgramPid) };
            if (states.All(p => p is { IsDead: false } && p.Value.IsStopped == stopped))
                return;
            if (DateTime.UtcNow >= limit)
            {
                Assert.Fail($"after {StateChangeLimit.TotalSeconds:0} s mosrun and the program are not {(stopped ? "stopped" : "running")}: " +
                    string.Join("; ", states.Select((p, i) => p?.ToString() ?? $"pid {(i == 0 ? MosrunPid : ProgramPid)} is gone")));
            }
            Thread.Sleep(20);
        }
    }

    public void Dispose() => command.Dispose();

    private static int OnlyChild(int parent, string parentName)
    {
        var children = ProcessTree.ChildrenOf(parent).Where(p => !p.IsDead).ToList();
        if (children.Count != 1)
            Assert.Fail($"expected {parentName} (pid {parent}) to have one child, it has {children.Count}: {string.Join("; ", children)}");
        return children[0].Pid;
    }
}
