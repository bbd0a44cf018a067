using System.Buffers.Binary;
using System.Text.RegularExpressions;
using Mosix.Migrator.Images;
using Mosix.Tests.Harness;
using Mosix.Tests.Transparency;
using NUnit.Framework;

namespace Mosix.Tests.Checkpoint;

/// <summary>
/// Checkpoint mid-run, restart from the image: the output of the run until the checkpoint and of the restart
/// must be exactly the output of one uninterrupted native run, with the same exit status (and, for a program
/// that writes a file, the same file).
/// </summary>
/// <remarks>
/// "Mid-run" is made certain without sleeping: each program prints at a steady pace for 2-3 s, and migrate is
/// asked only once stdout shows a known early line. Standard streams are not in the image: the restart's own
/// stdout continues the output.
/// </remarks>
[TestFixture]
public sealed class CheckpointRestartTests : CheckpointFixture
{
    public static IEnumerable<TestCaseData> EveryProgram() => CheckpointScenarios.Cases();

    /// <summary>chkexit mid-run (migrate given the program's pid), then <c>mosrun -R</c>: together, the native run.</summary>
    [TestCaseSource(nameof(EveryProgram))]
    public void Chkexit_ThenRestart_IsTheNativeRun(CheckpointScenario scenario)
    {
        var native = CheckpointOracle.Run(scenario, Runner, Scratch);
        string image = Runner.Image(1);

        var (migrate, before) = Runner.RunUntilChkexit(scenario, MigrateTarget.Program);
        var entries = Runner.ImageFolderEntries();
        CommandResult restart = Runner.Restart(image);
        byte[]? file = scenario.OutputFile is { } name ? Runner.ReadWorkFile(name) : null;

        using (Assert.EnterMultipleScope())
        {
            CheckpointAssert.MigrateSucceeded(migrate, image);
            CheckpointAssert.EndedByChkexit(before, image);
            Assert.That(entries, Is.EqualTo(new[] { "img.1" }), "one image and no temporary file in the images folder");
            Assert.That(before.StdoutText, Does.Not.Contain(scenario.FinalLine), "chkexit ended the program mid-run\n" + before.Describe("until chkexit"));
            CheckpointAssert.JoinsUpToNative(native.Result, restart, (before, image));
            if (scenario.OutputFile is { } written)
                Assert.That(Printable.FirstDifference(native.File, file), Is.EqualTo(-1), $"{written} differs from the native run's from the byte offset shown:\n" +
                    $"  native:    {Printable.Escape(native.File)}\n  restarted: {Printable.Escape(file ?? [])}");
        }
    }

    /// <summary>
    /// migrate checkpoint (given mosrun's pid): the program goes on and its run is the native run; restarting the
    /// image later runs the rest of it again, also as natively.
    /// </summary>
    [TestCaseSource(typeof(CheckpointScenarios), nameof(CheckpointScenarios.Cases), new object[] { new[] { "ckpt_heap", "ckpt_pthreads" } })]
    public void Checkpoint_ProgramGoesOn_AndTheImageRestartsTheRest(CheckpointScenario scenario)
    {
        var native = CheckpointOracle.Run(scenario, Runner, Scratch);
        string image = Runner.Image(1);

        CommandResult migrate, full;
        int printedBefore;
        using (SupervisedRun run = Runner.StartMosrun(scenario.ResolvedArgv()))
        {
            run.WaitForStdout(scenario.MidRunLine);
            printedBefore = run.StdoutSoFar.Length;
            migrate = Runner.Migrate(run.MosrunPid, "checkpoint");
            full = run.WaitForExit();
        }
        var entries = Runner.ImageFolderEntries();
        CommandResult restart = Runner.Restart(image);

        using (Assert.EnterMultipleScope())
        {
            CheckpointAssert.MigrateSucceeded(migrate, image);
            NativeOracle.AssertSame(native.Result, full, "mosrun, checkpointed mid-run");
            Assert.That(entries, Is.EqualTo(new[] { "img.1" }), "one image and no temporary file in the images folder");
            CheckpointAssert.IsNativeRemainder(native.Result, restart, printedBefore);
        }
    }

    /// <summary>
    /// migrate chkstop: migrate answers while the program and its mosrun are stopped, every thread of the program
    /// in its stop; SIGCONT to mosrun's pid lets the program finish as natively; the image restarts the rest of the run.
    /// </summary>
    [TestCaseSource(typeof(CheckpointScenarios), nameof(CheckpointScenarios.Cases), new object[] { new[] { "ckpt_static", "ckpt_pthreads" } })]
    public void Chkstop_StopsTheProgram_SigcontFinishesIt_AndTheImageRestartsTheRest(CheckpointScenario scenario)
    {
        var native = CheckpointOracle.Run(scenario, Runner, Scratch);
        string image = Runner.Image(1);

        CommandResult migrate, full;
        int printedBefore;
        bool imageWhileStopped;
        string threadStates;
        using (SupervisedRun run = Runner.StartMosrun(scenario.ResolvedArgv()))
        {
            run.WaitForStdout(scenario.MidRunLine);
            printedBefore = run.StdoutSoFar.Length;
            using (RunningCommand migrating = Runner.StartMigrate(run.ProgramPid, "chkstop"))
            {
                run.WaitForStopped(true);
                // migrate must answer while the job is stopped: nothing continues it until the SIGCONT below, so
                // a reply held back until then shows as migrate running into its timeout here.
                migrate = migrating.WaitForExit();
            }
            imageWhileStopped = File.Exists(image);
            run.WaitForStopped(true);
            threadStates = ThreadStates(run.ProgramPid);
            Libc.Kill(run.MosrunPid, Signals.SIGCONT);
            full = run.WaitForExit();
        }
        CommandResult restart = Runner.Restart(image);

        using (Assert.EnterMultipleScope())
        {
            CheckpointAssert.MigrateSucceeded(migrate, image);
            Assert.That(imageWhileStopped, Is.True, $"{image} exists once migrate chkstop has answered");
            Assert.That(threadStates, Does.Match("^[tT]+$"), "each thread's state while mosrun is stopped (t, T: stopped)");
            NativeOracle.AssertSame(native.Result, full, "mosrun, chkstop then SIGCONT");
            CheckpointAssert.IsNativeRemainder(native.Result, restart, printedBefore);
        }
    }

    /// <summary>The state letter of each thread of <paramref name="pid"/> (/proc/PID/task/TID/stat), in tid order.</summary>
    private static string ThreadStates(int pid) =>
        string.Concat(Directory.GetDirectories($"/proc/{pid}/task").OrderBy(d => int.Parse(Path.GetFileName(d), System.Globalization.CultureInfo.InvariantCulture))
            .Select(d => File.ReadAllText(Path.Combine(d, "stat")) is var stat ? stat[(stat.LastIndexOf(')') + 2)] : '?'));

    /// <summary>
    /// <c>mosrun -R IMAGE -O 1=PATH,3=PATH</c>: the restart's stdout goes to a new file, and the program's own
    /// file (fd 3) is reopened at another path, with its saved flags and at its saved offset; the original file
    /// is left as it was.
    /// </summary>
    [Test]
    public void Restart_WithReopen_SendsStdoutAndTheFileWhereTold()
    {
        CheckpointScenario scenario = CheckpointScenarios.Get("ckpt_file");
        var native = CheckpointOracle.Run(scenario, Runner, Scratch);
        string image = Runner.Image(1);

        var (migrate, before) = Runner.RunUntilChkexit(scenario);
        CheckpointAssert.MigrateSucceeded(migrate, image);
        CheckpointAssert.EndedByChkexit(before, image);
        byte[] partial = Runner.ReadWorkFile(scenario.OutputFile!) ?? [];
        File.WriteAllBytes(Path.Combine(Scratch.Work, "moved.txt"), partial);

        string stdoutFile = Path.Combine(Scratch.Work, "stdout.txt"), moved = Path.Combine(Scratch.Work, "moved.txt");
        CommandResult restart = Runner.Restart(image, "-O", $"1={stdoutFile},3={moved}");
        byte[] redirected = Runner.ReadWorkFile("stdout.txt") ?? [];

        using (Assert.EnterMultipleScope())
        {
            Assert.That(restart.StatusText, Is.EqualTo(native.Result.StatusText), restart.Describe("restart"));
            Assert.That(restart.Stdout, Is.Empty, "fd 1 went to the file\n" + restart.Describe("restart"));
            Assert.That(restart.Stderr, Is.Empty, restart.Describe("restart"));
            Assert.That(Printable.FirstDifference(native.Result.Stdout, [.. before.Stdout, .. redirected]), Is.EqualTo(-1),
                $"stdout until chkexit + stdout.txt differ from the native stdout from the offset shown\n{native.Result.Describe("native")}\n  stdout.txt: {Printable.Escape(redirected)}");
            Assert.That(Printable.FirstDifference(native.File, Runner.ReadWorkFile("moved.txt")), Is.EqualTo(-1),
                $"moved.txt (fd 3 reopened there) is not the native run's file\n  native:   {Printable.Escape(native.File)}\n  moved.txt: {Printable.Escape(Runner.ReadWorkFile("moved.txt"))}");
            Assert.That(Runner.ReadWorkFile(scenario.OutputFile!), Is.EqualTo(partial), "the original file is untouched by a restart that reopened fd 3 elsewhere");
        }
    }

    /// <summary>
    /// A restarted program can be checkpointed again (<c>mosrun -C BASE -R BASE.1</c>, chkexit into BASE.2); the
    /// three pieces of output make up the native run.
    /// </summary>
    [TestCaseSource(typeof(CheckpointScenarios), nameof(CheckpointScenarios.Cases), new object[] { new[] { "ckpt_static", "ckpt_pthreads" } })]
    public void RestartedProgram_ChkexitAgain_ThenRestart_IsTheNativeRun(CheckpointScenario scenario)
    {
        var native = CheckpointOracle.Run(scenario, Runner, Scratch);
        string first = Runner.Image(1), second = Runner.Image(2);

        var (migrate1, run1) = Runner.RunUntilChkexit(scenario);
        CheckpointAssert.MigrateSucceeded(migrate1, first);
        CheckpointAssert.EndedByChkexit(run1, first);

        CommandResult migrate2, run2;
        using (SupervisedRun restarted = Runner.StartRestart(first))
        {
            // Three more steps than the first part printed: the restarted program is under way.
            string step = $"{scenario.Name}: step ";
            int lastStep = Regex.Matches(run1.StdoutText, Regex.Escape(step) + @"(\d+) ").Select(m => int.Parse(m.Groups[1].Value)).DefaultIfEmpty(0).Max();
            restarted.WaitForStdout($"{step}{lastStep + 3} ");
            migrate2 = Runner.Migrate(restarted.MosrunPid, "chkexit");
            run2 = restarted.WaitForExit();
        }
        CommandResult restart = Runner.Restart(second);

        using (Assert.EnterMultipleScope())
        {
            CheckpointAssert.MigrateSucceeded(migrate2, second);
            CheckpointAssert.EndedByChkexit(run2, second);
            Assert.That(Runner.ImageFolderEntries(), Is.EqualTo(new[] { "img.1", "img.2" }));
            CheckpointAssert.JoinsUpToNative(native.Result, restart, (run1, first), (run2, second));
        }
    }

    /// <summary>
    /// Checkpointed while its main thread is blocked reading stdin and three threads wait on a condition variable
    /// (<c>ckpt_threads</c>): the program goes on and ends as natively once its stdin ends; the image, restarted,
    /// makes the read again on the restart's own stdin and ends the same way.
    /// </summary>
    [Test]
    public void Checkpoint_WithThreadsBlockedInAReadAndAConditionWait_GoesOn_AndRestartsAsNative()
    {
        string[] argv = [RepoPaths.TestProgram("ckpt_threads")];
        CommandResult native = Runner.RunNative(argv);
        Assert.That(native.StdoutText, Is.EqualTo("ckpt_threads: ready with 3 threads\nckpt_threads: read 0 bytes, joined 3 threads, done\n"),
            "the native run (the oracle)\n" + native.Describe("native"));
        string image = Runner.Image(1);

        CommandResult migrate, full;
        int printedBefore;
        using (SupervisedRun run = Runner.StartMosrun(argv, keepStdinOpen: true))
        {
            run.WaitForStdout("ckpt_threads: ready with 3 threads\n");
            printedBefore = run.StdoutSoFar.Length;
            migrate = Runner.Migrate(run.ProgramPid, "checkpoint");
            run.Command.CloseStdin();
            full = run.WaitForExit();
        }
        CommandResult restart = Runner.Restart(image);

        using (Assert.EnterMultipleScope())
        {
            CheckpointAssert.MigrateSucceeded(migrate, image);
            NativeOracle.AssertSame(native, full, "mosrun, checkpointed with its threads blocked");
            CheckpointAssert.IsNativeRemainder(native, restart, printedBefore);
        }
    }

    /// <summary>
    /// A stopped job (SIGSTOP to the program; its mosrun stops with it, as a shell job does): migrate says at once,
    /// in one line, that it must be continued, rather than wait for an answer that cannot come. Continued, the
    /// checkpoint is taken and the run is the native run.
    /// </summary>
    [Test]
    public void StoppedJob_MigrateSaysToContinueItFirst_ThenCheckpointsIt()
    {
        CheckpointScenario scenario = CheckpointScenarios.Get("ckpt_pthreads");
        var native = CheckpointOracle.Run(scenario, Runner, Scratch);
        string image = Runner.Image(1);

        CommandResult refused, taken, full;
        int mosrunPid;
        using (SupervisedRun run = Runner.StartMosrun(scenario.ResolvedArgv()))
        {
            run.WaitForStdout(scenario.MidRunLine);
            mosrunPid = run.MosrunPid;
            Libc.Kill(run.ProgramPid, Signals.SIGSTOP);
            run.WaitForStopped(true);
            refused = Runner.Migrate(run.ProgramPid, "checkpoint");
            Libc.Kill(run.ProgramPid, Signals.SIGCONT);
            Libc.Kill(run.MosrunPid, Signals.SIGCONT);
            run.WaitForStopped(false);
            taken = Runner.Migrate(run.ProgramPid, "checkpoint");
            full = run.WaitForExit();
        }

        using (Assert.EnterMultipleScope())
        {
            Assert.That(refused.ExactStatus, Is.EqualTo(ExitStatus.Exited(1)), refused.Describe("migrate, the job stopped"));
            Assert.That(refused.StderrText, Is.EqualTo(
                $"migrate: its mosrun (pid {mosrunPid}) is stopped, with its program; continue it first (fg, or kill -CONT {mosrunPid})\n"));
            CheckpointAssert.MigrateSucceeded(taken, image);
            NativeOracle.AssertSame(native.Result, full, "mosrun, stopped, refused, continued, checkpointed");
        }
    }

    /// <summary>
    /// <c>xz -T2</c> (two compressing threads, a reading main thread, a signal pipe of its own) ended by chkexit in
    /// the middle of a file and restarted: the compressed file is byte for byte what a native run writes.
    /// </summary>
    [Test]
    public void XzWithTwoThreads_ChkexitMidFile_ThenRestart_WritesTheNativeFile()
    {
        string[] argv = ["/usr/bin/xz", "-T2", "-6", "--block-size=256KiB", "-k", "input.txt"];
        Inputs.WriteCompressible(Path.Combine(Scratch.Work, "input.txt"), 3 << 20);
        CommandResult native = Runner.RunNative(argv);
        Assert.That(native.ExactStatus, Is.EqualTo(ExitStatus.Exited(0)), native.Describe("native xz"));
        byte[] expected = Runner.ReadWorkFile("input.txt.xz")!;
        File.Delete(Path.Combine(Scratch.Work, "input.txt.xz"));
        string image = Runner.Image(1);

        CommandResult migrate, before;
        using (SupervisedRun run = Runner.StartMosrun(argv))
        {
            // Mid-file: some blocks written, most of the input still to compress.
            string output = Path.Combine(Scratch.Work, "input.txt.xz");
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while ((!File.Exists(output) || new FileInfo(output).Length < 64 * 1024) && DateTime.UtcNow < deadline)
                Thread.Sleep(20);
            migrate = Runner.Migrate(run.ProgramPid, "chkexit");
            before = run.WaitForExit();
        }
        long partial = new FileInfo(Path.Combine(Scratch.Work, "input.txt.xz")).Length;
        CommandResult restart = Runner.Restart(image);
        byte[]? written = Runner.ReadWorkFile("input.txt.xz");

        using (Assert.EnterMultipleScope())
        {
            CheckpointAssert.MigrateSucceeded(migrate, image);
            CheckpointAssert.EndedByChkexit(before, image);
            Assert.That(partial, Is.LessThan(expected.Length), "chkexit ended xz before it had written the whole file");
            Assert.That(restart.ExactStatus, Is.EqualTo(ExitStatus.Exited(0)), restart.Describe("restarted xz"));
            Assert.That(Printable.FirstDifference(expected, written), Is.EqualTo(-1), "input.txt.xz differs from the native run's from the byte offset shown");
        }
    }

    /// <summary>Text that compresses slowly enough to be caught mid-file: words drawn from a fixed vocabulary by a seeded generator.</summary>
    /// <summary>
    /// An image in format 1 (before threads) still restarts: a single-threaded image is what format 1 wrote, so
    /// the test takes one and makes it format 1 (header version, checksum), as an older Mosix would have written it.
    /// </summary>
    [Test]
    public void FormatOneImage_StillRestarts_AsTheNativeRun()
    {
        CheckpointScenario scenario = CheckpointScenarios.Get("ckpt_heap");
        var native = CheckpointOracle.Run(scenario, Runner, Scratch);
        string image = Runner.Image(1);
        var (migrate, before) = Runner.RunUntilChkexit(scenario);
        CheckpointAssert.MigrateSucceeded(migrate, image);
        using (var taken = ImageReader.Open(image))
            Assert.That(taken.Metadata.Threads, Is.Empty, "a single-threaded image lists no other thread");

        byte[] bytes = File.ReadAllBytes(image);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(ImageFormat.VersionOffset), 1);
        var crc = new Crc32C();
        crc.Append(bytes.AsSpan(0, bytes.Length - ImageFormat.TrailerSize));
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(bytes.Length - ImageFormat.TrailerSize + ImageFormat.TrailerCrc), crc.Value);
        File.WriteAllBytes(image, bytes);
        using (var reopened = ImageReader.Open(image))
            Assert.That(reopened.FormatVersion, Is.EqualTo(1u), "the image now says format 1, with a valid checksum");

        CommandResult restart = Runner.Restart(image);
        CheckpointAssert.JoinsUpToNative(native.Result, restart, (before, image));
    }

    /// <summary>Numbering continues after the highest BASE.N already there: an older image is never overwritten.</summary>
    [Test]
    public void Numbering_ContinuesAfterTheHighestExistingImage()
    {
        CheckpointScenario scenario = CheckpointScenarios.Get("ckpt_static");
        var native = CheckpointOracle.Run(scenario, Runner, Scratch);
        File.WriteAllText(Runner.Image(3), "an older image\n");
        File.WriteAllText(Runner.ImageBase + ".notanumber", "not an image\n");
        string image = Runner.Image(4);

        var (migrate, before) = Runner.RunUntilChkexit(scenario, MigrateTarget.Mosrun);
        CommandResult restart = Runner.Restart(image);

        using (Assert.EnterMultipleScope())
        {
            CheckpointAssert.MigrateSucceeded(migrate, image);
            CheckpointAssert.EndedByChkexit(before, image);
            Assert.That(File.ReadAllText(Runner.Image(3)), Is.EqualTo("an older image\n"), "img.3 is left alone");
            Assert.That(Runner.ImageFolderEntries(), Is.EqualTo(new[] { "img.3", "img.4", "img.notanumber" }));
            CheckpointAssert.JoinsUpToNative(native.Result, restart, (before, image));
        }
    }
}
