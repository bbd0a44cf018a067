using System.Globalization;
using System.Net.Sockets;
using System.Text;
using Mosix.Tests.Agent;
using Mosix.Tests.Harness;
using NUnit.Framework;

namespace Mosix.Tests.Security;

/// <summary>
/// Another user cannot take a user's runtime folder: with <c>/tmp/mosix-UID</c> made first by
/// someone else, open to all (0777), the victim's mosrun still has its control socket, in a folder
/// nobody else can make (under the victim's home), and migrate, mosps and moskillall reach it.
/// Nor can another user (root included) talk to a mosrun's control socket: the kernel's word
/// (SO_PEERCRED) on who connected decides, not the folder alone.
/// </summary>
[TestFixture, NonParallelizable]
public sealed class RuntimeFolderTests
{
    [Test]
    public void ASquattedTmpFolderIsPassedByAndTheCommandsStillReachTheProcess()
    {
        Assume.That(Environment.IsPrivilegedProcess, "two throwaway users are needed: run as root");
        using var squatter = ThrowawayUser.CreateOrUseCurrent();
        using var victim = ThrowawayUser.CreateOrUseCurrent();
        using var scratch = ScratchDirectory.Create(victim);
        string squatted = $"/tmp/mosix-{victim.Uid}";
        Directory.CreateDirectory(squatted);
        try
        {
            File.SetUnixFileMode(squatted, (UnixFileMode)0x1FF); // 0777
            squatter.GiveOwnership(squatted);
            var options = As(victim, scratch);
            using var run = CommandRunner.Start([AgentCluster.Bin("mosrun"), "/bin/sleep", "60"], options with { KeepStdinOpen = true });
            string socket = Path.Combine(scratch.Home, ".mosix", "run", $"process-{run.Pid.ToString(CultureInfo.InvariantCulture)}.sock");
            AgentProcess.WaitFor(() => File.Exists(socket), TimeSpan.FromSeconds(20), () => $"no control socket at {socket}");
            var listed = CommandRunner.Run([AgentCluster.Bin("mosps")], options);
            var frozen = CommandRunner.Run([AgentCluster.Bin("migrate"), run.Pid.ToString(CultureInfo.InvariantCulture), "freeze"], options);
            var continued = CommandRunner.Run([AgentCluster.Bin("migrate"), run.Pid.ToString(CultureInfo.InvariantCulture), "continue"], options);
            var killed = CommandRunner.Run([AgentCluster.Bin("moskillall")], options);
            var result = run.WaitForExit();
            Assert.Multiple(() =>
            {
                Assert.That(listed.StdoutText, Does.Contain("sleep"), listed.Describe("mosps"));
                Assert.That(frozen.ExitCode, Is.Zero, frozen.Describe("migrate freeze"));
                Assert.That(continued.ExitCode, Is.Zero, continued.Describe("migrate continue"));
                Assert.That(killed.ExitCode, Is.Zero, killed.Describe("moskillall"));
                Assert.That(result.ExitCode, Is.EqualTo(128 + 15), "ended by moskillall's SIGTERM");
                Assert.That(result.StderrText, Is.Empty, "mosrun says nothing of the squatted folder: it passed it by");
                Assert.That(Directory.GetFileSystemEntries(squatted), Is.Empty, "nothing of the victim's went into the squatted folder");
            });
        }
        finally
        {
            Directory.Delete(squatted, recursive: true);
        }
    }

    [Test]
    public void AnotherUsersConnectionToAMosrunsControlSocketIsClosedUnanswered()
    {
        Assume.That(Environment.IsPrivilegedProcess, "a throwaway user's mosrun and another user (root) are needed: run as root");
        using var user = ThrowawayUser.CreateOrUseCurrent();
        using var scratch = ScratchDirectory.Create(user);
        var options = As(user, scratch);
        using var run = CommandRunner.Start([AgentCluster.Bin("mosrun"), "/bin/sleep", "60"], options with { KeepStdinOpen = true });
        string pid = run.Pid.ToString(CultureInfo.InvariantCulture);
        string? socket = null;
        AgentProcess.WaitFor(() => (socket = ControlSocketOf(user, scratch, pid)) is not null, TimeSpan.FromSeconds(20), () => $"no control socket of mosrun {pid}");

        string rootsAnswer = AskAsThisProcess(socket!, "status");
        var usersAnswer = CommandRunner.Run([AgentCluster.Bin("migrate"), pid, "freeze"], options);
        var continued = CommandRunner.Run([AgentCluster.Bin("migrate"), pid, "continue"], options);
        run.SendSignal(15);
        var result = run.WaitForExit();
        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(128 + 15), "mosrun ends as its program, by SIGTERM");
            Assert.That(rootsAnswer, Is.Empty, "root (not the mosrun's user) is closed unanswered");
            Assert.That(usersAnswer.ExitCode, Is.Zero, usersAnswer.Describe("migrate freeze, as the mosrun's user"));
            Assert.That(continued.ExitCode, Is.Zero, continued.Describe("migrate continue, as the mosrun's user"));
        });
    }

    /// <summary>Commands run as <paramref name="user"/>, in its scratch folder.</summary>
    private static RunOptions As(ThrowawayUser user, ScratchDirectory scratch) => new()
    {
        RunAsPrefix = user.CommandPrefix,
        WorkingDirectory = scratch.Work,
        Environment = user.EnvironmentFor(scratch),
        Timeout = TimeSpan.FromMinutes(1),
    };

    /// <summary>The control socket of mosrun <paramref name="pid"/> in whichever runtime folder the user's commands chose.</summary>
    private static string? ControlSocketOf(ThrowawayUser user, ScratchDirectory scratch, string pid) =>
        new[] { $"/tmp/mosix-{user.Uid}", Path.Combine(scratch.Home, ".mosix", "run") }
            .Select(folder => Path.Combine(folder, $"process-{pid}.sock"))
            .FirstOrDefault(File.Exists);

    /// <summary>One request line from this (root) process; whatever comes back before the socket closes.</summary>
    private static string AskAsThisProcess(string path, string request)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Connect(new UnixDomainSocketEndPoint(path));
        socket.ReceiveTimeout = 10_000;
        var answer = new StringBuilder();
        var buffer = new byte[4096];
        try
        {
            socket.Send(Encoding.ASCII.GetBytes(request + "\n"));
            for (int n; (n = socket.Receive(buffer)) > 0;)
                answer.Append(Encoding.ASCII.GetString(buffer, 0, n));
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionReset or SocketError.Shutdown)
        {
            // closed before our request was sent or read (EPIPE, ECONNRESET): nothing was answered
        }
        return answer.ToString();
    }
}
