using System.Globalization;
using System.Text;
using Mosix.Sandbox.Interop;
using Mosix.Sandbox.Spawning;
using Mosix.Sandbox.Supervision;
using Mosix.Shim.Local;

namespace Mosix.Cli.Mosrun;

/// <summary>
/// mosrun's side of <c>native CMD</c>: a process of the supervised tree names itself; mosrun takes
/// its command line (after <c>native</c>), environment, working directory, standard descriptors
/// and process group from the kernel, not from the request, and runs the command outside
/// supervision (<see cref="UnsupervisedCommand"/>). The reply is how it ended.
/// </summary>
internal static class NativeRequest
{
    /// <summary>Serves "native PID"; the reply is "exit N" or "signal N" (with " core" if it dumped one).</summary>
    public static ControlLine.Reply Serve(int rootPid, string pidText)
    {
        if (!int.TryParse(pidText, NumberStyles.None, CultureInfo.InvariantCulture, out int pid) || !IsInTree(pid, rootPid))
            return new ControlLine.Reply(false, $"process {pidText} is not one of this mosrun's");
        try
        {
            var argv = NulSeparated($"/proc/{pid}/cmdline").Skip(1).ToList();
            if (argv.Count == 0)
                return new ControlLine.Reply(false, "no command given");
            var environment = NulSeparated($"/proc/{pid}/environ");
            string cwd = new DirectoryInfo($"/proc/{pid}/cwd").LinkTarget ?? "/";
            string? searchPath = environment.FirstOrDefault(e => e.StartsWith("PATH=", StringComparison.Ordinal))?[5..];
            string path = ProgramLocator.Resolve(argv[0], searchPath, cwd);
            var outcome = RunWithItsDescriptors(pid, path, argv, environment, cwd);
            return new ControlLine.Reply(true, outcome.Signal != 0
                ? $"signal {outcome.Signal}{(outcome.CoreDumped ? " core" : "")}"
                : $"exit {outcome.ExitCode}");
        }
        catch (SpawnException e)
        {
            return new ControlLine.Reply(false, e.Message);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new ControlLine.Reply(false, $"cannot read process {pid}: {e.Message}");
        }
    }

    private static ExitOutcome RunWithItsDescriptors(int pid, string path, List<string> argv, List<string> environment, string cwd)
    {
        using var pidfd = PidFd.Open(pid, out int errno) ?? throw new IOException(Errno.Describe(errno));
        int[] fds = [-1, -1, -1];
        try
        {
            for (int i = 0; i < 3; i++)
            {
                fds[i] = PidFd.GetFd(pidfd, i);
                if (fds[i] < 0)
                    fds[i] = Descriptors.OpenDevNull(); // a closed stdin or stdout: the command gets /dev/null
            }
            return UnsupervisedCommand.Run(path, argv, environment, cwd, fds, ProcessGroupOf(pid));
        }
        finally
        {
            foreach (int fd in fds.Where(fd => fd >= 0))
                Descriptors.CloseRaw(fd);
        }
    }

    /// <summary>True when <paramref name="pid"/> is <paramref name="root"/> or one of its descendants.</summary>
    private static bool IsInTree(int pid, int root)
    {
        for (int p = pid, hops = 0; p > 1 && hops < 4096; p = ProcessStatus.ParentOf(p), hops++)
        {
            if (p == root)
                return true;
        }
        return false;
    }

    private static int ProcessGroupOf(int pid)
    {
        string stat = File.ReadAllText($"/proc/{pid}/stat");
        string[] rest = stat[(stat.LastIndexOf(')') + 2)..].Split(' ', 4);
        return int.Parse(rest[2], CultureInfo.InvariantCulture);
    }

    /// <summary>A /proc list of NUL-terminated strings (empty ones kept: an argument may be "").</summary>
    private static List<string> NulSeparated(string path)
    {
        string text = Encoding.UTF8.GetString(File.ReadAllBytes(path));
        if (text.EndsWith('\0'))
            text = text[..^1];
        return text.Length == 0 ? [] : [.. text.Split('\0')];
    }
}
