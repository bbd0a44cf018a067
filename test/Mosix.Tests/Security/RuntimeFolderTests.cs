using System.Globalization;
using Mosix.Tests.Agent;
using Mosix.Tests.Harness;
using NUnit.Framework;

namespace Mosix.Tests.Security;

/// <summary>
/// Another user cannot take a user's runtime folder: with <c>/tmp/mosix-UID</c> made first by
/// someone else, open to all (0777), the victim's mosrun still has its control socket, in a folder
/// nobody else can make (under the victim's home), and migrate, mosps and moskillall reach it.
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
            var options = new RunOptions
            {
                RunAsPrefix = victim.CommandPrefix,
                WorkingDirectory = scratch.Work,
                Environment = victim.EnvironmentFor(scratch),
                Timeout = TimeSpan.FromMinutes(1),
            };
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
}
