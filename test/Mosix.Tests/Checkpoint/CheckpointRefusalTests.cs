using Mosix.Tests.Harness;
using Mosix.Tests.Transparency;
using NUnit.Framework;

namespace Mosix.Tests.Checkpoint;

/// <summary>
/// What a checkpoint cannot carry is refused, and the refusal changes nothing: migrate exits 1 with one line
/// naming the obstacle, the program (not stopped, not ended, even for chkstop and chkexit) finishes exactly as
/// natively, and no image or temporary file is left in the images folder.
/// </summary>
/// <remarks>
/// Each program holds its obstacle (a child, a socket, a pipe) until its stdin reaches EOF, so the
/// obstacle is surely there when migrate asks; the test closes stdin once migrate has answered.
/// </remarks>
[TestFixture]
public sealed class CheckpointRefusalTests : CheckpointFixture
{
    /// <summary>A program that cannot be checkpointed while it waits for EOF on stdin.</summary>
    /// <param name="Reason">What migrate's one line must say.</param>
    public sealed record Obstacle(string Name, IReadOnlyList<string> Argv, string ReadyLine, string FinalLine, string Reason)
    {
        public override string ToString() => Name;
    }

    private static readonly Obstacle ChildProcess = new("child_process",
        ["/bin/bash", "-c", """exec 3<&0; { cat <&3 >/dev/null; echo "child: stdin closed"; } & exec 3<&-; echo "parent: started"; wait; echo "parent: done" """],
        "parent: started\n", "child: stdin closed\nparent: done\n",
        "it has child processes");

    private static readonly Obstacle Socket = new("socket",
        ["/usr/bin/python3", "-c", """
            import socket, sys
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            print("python3: socket on fd", s.fileno(), flush=True)
            sys.stdin.buffer.read()
            s.close()
            print("python3: done")
            """],
        "python3: socket on fd 3\n", "python3: done\n",
        "file descriptor 3 is a socket");

    // A pipe with both ends in the process is carried (ckpt_private_fds); one whose other end is elsewhere (here:
    // closed) is not.
    private static readonly Obstacle Pipe = new("pipe",
        ["/usr/bin/python3", "-c", """
            import os, sys
            r, w = os.pipe()
            os.close(w)
            print("python3: pipe read end on fd", r, flush=True)
            sys.stdin.buffer.read()
            os.close(r)
            print("python3: done")
            """],
        "python3: pipe read end on fd 3\n", "python3: done\n",
        "file descriptor 3 is a pipe whose other end is not in the process");

    public static IEnumerable<TestCaseData> Cases()
    {
        foreach (var obstacle in new[] { ChildProcess, Socket, Pipe })
            yield return new TestCaseData(obstacle, "chkexit").SetArgDisplayNames(obstacle.Name, "chkexit");
        yield return new TestCaseData(Pipe, "checkpoint").SetArgDisplayNames(Pipe.Name, "checkpoint");
        yield return new TestCaseData(Pipe, "chkstop").SetArgDisplayNames(Pipe.Name, "chkstop");
    }

    [TestCaseSource(nameof(Cases))]
    public void Refused_OneLine_ProgramGoesOnAsNative_NoImage(Obstacle obstacle, string action)
    {
        var argv = obstacle.Argv.Select(a => a.StartsWith(CheckpointScenario.TestsPrefix, StringComparison.Ordinal)
            ? RepoPaths.TestProgram(a[CheckpointScenario.TestsPrefix.Length..]) : a).ToList();
        CommandResult native = Runner.RunNative(argv);
        string why = $"the native run (the oracle) is not what case {obstacle.Name} expects; the test or the machine is wrong\n{native.Describe("native")}";
        Assert.That(native.ExactStatus, Is.EqualTo(ExitStatus.Exited(0)), why);
        Assert.That(native.StdoutText, Does.StartWith(obstacle.ReadyLine).And.EndWith(obstacle.FinalLine), why);
        Scratch.Reset();

        CommandResult migrate, full;
        IReadOnlyList<string> afterRefusal;
        using (SupervisedRun run = Runner.StartMosrun(argv, keepStdinOpen: true))
        {
            run.WaitForStdout(obstacle.ReadyLine);
            migrate = Runner.Migrate(run.ProgramPid, action);
            afterRefusal = Runner.ImageFolderEntries();
            run.Command.CloseStdin();
            full = run.WaitForExit();
        }

        using (Assert.EnterMultipleScope())
        {
            CheckpointAssert.MigrateRefused(migrate, obstacle.Reason);
            NativeOracle.AssertSame(native, full, $"mosrun, after a refused {action}");
            Assert.That(afterRefusal, Is.Empty, "no image and no temporary file once migrate has answered");
            Assert.That(Runner.ImageFolderEntries(), Is.Empty, "no image and no temporary file at the end");
        }
    }
}
