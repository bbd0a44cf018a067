using System.Security.Cryptography;
using NUnit.Framework;

namespace Mosix.Tests.Harness;

/// <summary>An unprivileged identity for tests: a throwaway user when the tests run as root, else the current user.</summary>
/// <remarks>
/// As root: <c>useradd -M -U -s /bin/sh</c> makes a user named <c>mosixt</c> plus 8 random hex digits, with a
/// private 0700 folder in the temp folder as its home; commands run as it through <see cref="CommandPrefix"/>
/// (<c>setpriv --reuid --regid --init-groups --</c>, which execs in place, so pids and wait statuses pass through).
/// Dispose ends any process still running as that uid (by pid), deletes the user and its group, and its folder.
/// Not root: the current user already is the unprivileged case; <see cref="IsThrowaway"/> is false, the prefix
/// empty, and only the private folder is made and removed.
/// </remarks>
public sealed class ThrowawayUser : IDisposable
{
    private const string NamePrefix = "mosixt";

    private ThrowawayUser(string name, int uid, int gid, string privateDirectory, bool isThrowaway)
    {
        Name = name;
        Uid = uid;
        Gid = gid;
        PrivateDirectory = privateDirectory;
        IsThrowaway = isThrowaway;
        CommandPrefix = isThrowaway ? ["setpriv", $"--reuid={uid}", $"--regid={gid}", "--init-groups", "--"] : [];
    }

    public string Name { get; }

    public int Uid { get; }

    public int Gid { get; }

    /// <summary>The user's home and the parent of its <see cref="ScratchDirectory"/>s: mode 0700, owned by it.</summary>
    public string PrivateDirectory { get; }

    /// <summary>True when made for this test (running as root); false when it is the current, already unprivileged user.</summary>
    public bool IsThrowaway { get; }

    public IReadOnlyList<string> CommandPrefix { get; }

    public string Description => IsThrowaway
        ? $"as throwaway user {Name} (uid {Uid}, gid {Gid})"
        : $"as the current user {Name} (uid {Uid}), which is not root and so already the unprivileged case";

    public static ThrowawayUser CreateOrUseCurrent() => Environment.IsPrivilegedProcess ? Create() : Current();

    /// <summary>The environment for a command run as this user, rooted in <paramref name="scratch"/>'s home.</summary>
    public Dictionary<string, string> EnvironmentFor(ScratchDirectory scratch) => TestEnvironment.For(scratch.Home, Name);

    /// <summary>Makes this user the owner of the given paths (nothing to do when it is the current user).</summary>
    public void GiveOwnership(params string[] paths)
    {
        if (!IsThrowaway)
            return;
        foreach (string path in paths)
            Libc.Chown(path, Uid, Gid);
    }

    public void Dispose()
    {
        if (IsThrowaway)
        {
            EndProcesses();
            DeleteUser();
        }
        if (Directory.Exists(PrivateDirectory))
            ScratchDirectory.DeleteTree(PrivateDirectory);
    }

    private static ThrowawayUser Create()
    {
        string name = NamePrefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
        string home = Path.Combine(Path.GetTempPath(), name);
        Tool(["useradd", "-M", "-U", "-s", "/bin/sh", "-d", home, name]);
        try
        {
            // getent passwd NAME -> name:x:uid:gid:gecos:home:shell
            string[] fields = Tool(["getent", "passwd", name]).StdoutText.Trim().Split(':');
            var user = new ThrowawayUser(name, int.Parse(fields[2]), int.Parse(fields[3]), home, isThrowaway: true);
            Directory.CreateDirectory(home);
            File.SetUnixFileMode(home, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            user.GiveOwnership(home);
            return user;
        }
        catch
        {
            Tool(["userdel", name], mustSucceed: false);
            if (Directory.Exists(home))
                Directory.Delete(home, recursive: true);
            throw;
        }
    }

    private static ThrowawayUser Current()
    {
        string home = Directory.CreateTempSubdirectory("mosix-user-").FullName;
        File.SetUnixFileMode(home, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        int uid = ProcessTree.RealUid(System.Environment.ProcessId) ?? -1;
        return new ThrowawayUser(System.Environment.UserName, uid, -1, home, isThrowaway: false);
    }

    private void EndProcesses()
    {
        for (int round = 0; round < 100; round++)
        {
            var mine = ProcessTree.All().Where(p => ProcessTree.RealUid(p.Pid) == Uid).ToList();
            if (mine.All(p => p.IsDead && p.ParentPid != System.Environment.ProcessId))
                return;
            foreach (var p in mine)
            {
                if (p.IsDead)
                    Libc.TryReap(p.Pid);
                else
                    Libc.Kill(p.Pid, Signals.SIGKILL);
            }
            Thread.Sleep(50);
        }
    }

    private void DeleteUser()
    {
        CommandResult result = Tool(["userdel", Name], mustSucceed: false);
        if (result.ExitCode != 0)
            Assert.Fail($"userdel {Name} failed; remove the user by hand.\n{result.Describe("userdel")}");
    }

    private static CommandResult Tool(IReadOnlyList<string> argv, bool mustSucceed = true)
    {
        var options = new RunOptions
        {
            Environment = new Dictionary<string, string> { ["PATH"] = TestEnvironment.StandardPath, ["LC_ALL"] = "C" },
            Timeout = TimeSpan.FromSeconds(30),
        };
        CommandResult result = CommandRunner.Run(argv, options);
        if (mustSucceed && result.ExitCode != 0)
            Assert.Fail(result.Describe($"{argv[0]} failed"));
        return result;
    }
}
