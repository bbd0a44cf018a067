using Mosix.Tests.Harness;
using NUnit.Framework;

namespace Mosix.Tests.Checkpoint;

/// <summary>The assertions checkpoint tests share: what migrate and mosrun say, and how restarted output must join the native run's.</summary>
public static class CheckpointAssert
{
    /// <summary>migrate succeeded: exit 0, nothing on stderr, one line on stdout that starts with the image's path.</summary>
    public static void MigrateSucceeded(CommandResult migrate, string image)
    {
        string[] lines = Lines(migrate.StdoutText);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(migrate.ExactStatus, Is.EqualTo(ExitStatus.Exited(0)), migrate.Describe("migrate"));
            Assert.That(migrate.Stderr, Is.Empty, migrate.Describe("migrate"));
            Assert.That(lines, Has.Length.EqualTo(1), "one line on stdout\n" + migrate.Describe("migrate"));
            Assert.That(lines.FirstOrDefault(), Is.EqualTo(image).Or.StartsWith(image + " "), "the line starts with the image's path\n" + migrate.Describe("migrate"));
        }
    }

    /// <summary>migrate refused: exit 1, nothing on stdout, one line <c>migrate: cannot checkpoint: ...</c> naming <paramref name="reason"/>.</summary>
    public static void MigrateRefused(CommandResult migrate, string reason)
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(migrate.ExactStatus, Is.EqualTo(ExitStatus.Exited(1)), migrate.Describe("migrate"));
            Assert.That(migrate.Stdout, Is.Empty, migrate.Describe("migrate"));
            Assert.That(Lines(migrate.StderrText), Has.Length.EqualTo(1), "one line on stderr\n" + migrate.Describe("migrate"));
            Assert.That(migrate.StderrText, Does.StartWith("migrate: cannot checkpoint: ").And.Contain(reason), migrate.Describe("migrate"));
            AssertNoStackTrace(migrate);
        }
    }

    /// <summary>What mosrun prints on stderr when chkexit has ended its program into <paramref name="image"/>.</summary>
    public static string ChkexitLine(string image) => $"mosrun: checkpointed to {image} and ended; restart it with: mosrun -R {image}\n";

    /// <summary>mosrun ended by chkexit: exit 0 and, on stderr, the one line that says how to restart.</summary>
    public static void EndedByChkexit(CommandResult mosrun, string image)
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(mosrun.ExactStatus, Is.EqualTo(ExitStatus.Exited(0)), mosrun.Describe("mosrun, ended by chkexit"));
            Assert.That(mosrun.StderrText, Is.EqualTo(ChkexitLine(image)), mosrun.Describe("mosrun, ended by chkexit"));
        }
    }

    /// <summary>
    /// The runs ended by chkexit (each with its stderr less mosrun's closing line) and the final restart make up
    /// the native run exactly: stdout and stderr bytes joined in order, and the final restart's exit status.
    /// </summary>
    public static void JoinsUpToNative(CommandResult native, CommandResult restart, params (CommandResult Run, string Image)[] endedByChkexit)
    {
        var stdout = new List<byte>();
        var stderr = new List<byte>();
        var all = new System.Text.StringBuilder(native.Describe("native"));
        foreach (var (run, image) in endedByChkexit)
        {
            byte[] closing = System.Text.Encoding.UTF8.GetBytes(ChkexitLine(image));
            stdout.AddRange(run.Stdout);
            stderr.AddRange(run.Stderr.AsSpan().EndsWith(closing) ? run.Stderr[..^closing.Length] : run.Stderr);
            all.Append('\n').Append(run.Describe($"until chkexit into {Path.GetFileName(image)}"));
        }
        stdout.AddRange(restart.Stdout);
        stderr.AddRange(restart.Stderr);
        all.Append('\n').Append(restart.Describe("final restart"));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(restart.StatusText, Is.EqualTo(native.StatusText), $"the restart ends as the native run did\n{all}");
            Assert.That(Printable.FirstDifference(native.Stdout, stdout.ToArray()), Is.EqualTo(-1),
                $"stdout until chkexit + the restart's stdout differs from the native run's from the byte offset shown\n{all}");
            Assert.That(Printable.FirstDifference(native.Stderr, stderr.ToArray()), Is.EqualTo(-1),
                $"stderr until chkexit + the restart's stderr differs from the native run's from the byte offset shown\n{all}");
        }
    }

    /// <summary>
    /// A restart of an image taken while the program went on running: it ends as the native run did, and its
    /// stdout is the native run's from the start of a line on, at or after the <paramref name="printedBefore"/>
    /// bytes that had been printed when the checkpoint was asked for.
    /// </summary>
    public static void IsNativeRemainder(CommandResult native, CommandResult restart, int printedBefore)
    {
        int start = native.Stdout.Length - restart.Stdout.Length;
        string all = $"{native.Describe("native")}\n(the checkpoint was asked for after {printedBefore} bytes of stdout)\n{restart.Describe("restart")}";
        using (Assert.EnterMultipleScope())
        {
            Assert.That(restart.StatusText, Is.EqualTo(native.StatusText), "the restart ends as the native run did\n" + all);
            Assert.That(restart.Stdout, Is.Not.Empty, "the checkpoint was taken mid-run: there is output left\n" + all);
            Assert.That(start >= printedBefore && native.Stdout.AsSpan().EndsWith(restart.Stdout) && (start == 0 || native.Stdout[start - 1] == '\n'), Is.True,
                "the restart's stdout is not the end of the native run's, from a line start at or after what had been printed\n" + all);
            Assert.That(restart.Stderr, Is.EqualTo(native.Stderr), "stderr\n" + all);
        }
    }

    /// <summary>One line <c>COMMAND: ...</c> on stderr, nothing on stdout, the status wanted, no .NET stack trace.</summary>
    public static void OneLineError(CommandResult result, string command, ExitStatus expected)
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.ExactStatus, Is.EqualTo(expected), result.Describe(command));
            Assert.That(result.Stdout, Is.Empty, "nothing on stdout\n" + result.Describe(command));
            Assert.That(Lines(result.StderrText), Has.Length.EqualTo(1), "exactly one line on stderr\n" + result.Describe(command));
            Assert.That(result.StderrText, Does.StartWith(command + ": "), result.Describe(command));
            AssertNoStackTrace(result);
        }
    }

    public static void AssertNoStackTrace(CommandResult result) =>
        Assert.That(result.StderrText, Does.Not.Contain("   at ").And.Not.Contain("Exception"), "no .NET stack trace\n" + result.Describe("command"));

    public static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
}
