using System.Globalization;
using NUnit.Framework;

namespace Mosix.Tests.Placement;

/// <summary>
/// Nodes of different sizes on one machine: a control group per node with a CPU limit (v2
/// <c>cpu.max</c>, or the v1 CFS quota) and optionally a memory limit. An agent started through
/// <see cref="Launcher"/> runs in its node's groups, and so do its guests; a command started
/// through it runs "on" that node. Root only; removed on dispose.
/// </summary>
internal sealed class NodeGroups : IDisposable
{
    private const string Root = "/sys/fs/cgroup";
    private readonly string _name = $"mosix-test-{Guid.NewGuid():N}"[..24];
    private readonly List<string> _made = [];
    private readonly Dictionary<string, List<string>> _tasksFiles = [];
    private readonly bool _unified = File.Exists($"{Root}/cgroup.controllers");

    /// <summary>Skips the test unless groups can be made here (root, a CPU controller).</summary>
    public static NodeGroups CreateOrIgnore()
    {
        if (Environment.UserName != "root")
            Assert.Ignore("node sizes need control groups, which need root");
        bool unified = File.Exists($"{Root}/cgroup.controllers");
        if (unified ? !File.ReadAllText($"{Root}/cgroup.controllers").Contains("cpu", StringComparison.Ordinal) : !Directory.Exists($"{Root}/cpu"))
            Assert.Ignore("no CPU controller to size nodes with");
        string probe = unified ? $"{Root}/mosix-probe-{Environment.ProcessId}" : $"{Root}/cpu/mosix-probe-{Environment.ProcessId}";
        try
        {
            Directory.CreateDirectory(probe);
            Directory.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Assert.Ignore($"cannot make control groups here ({e.Message}): node sizes need them");
        }
        return new NodeGroups();
    }

    /// <summary>Makes <paramref name="node"/>'s groups: <paramref name="cores"/> cores' worth of CPU, and <paramref name="memoryMiB"/> of memory if given.</summary>
    public void Add(string node, double cores, int? memoryMiB = null)
    {
        const int Period = 100_000;
        string quota = ((int)(cores * Period)).ToString(CultureInfo.InvariantCulture);
        var tasks = new List<string>();
        if (_unified)
        {
            string parent = Make($"{Root}/{_name}");
            File.WriteAllText($"{parent}/cgroup.subtree_control", memoryMiB is null ? "+cpu" : "+cpu +memory");
            string dir = Make($"{parent}/{node}");
            File.WriteAllText($"{dir}/cpu.max", $"{quota} {Period}");
            if (memoryMiB is { } mib)
                File.WriteAllText($"{dir}/memory.max", ((long)mib << 20).ToString(CultureInfo.InvariantCulture));
            tasks.Add($"{dir}/cgroup.procs");
        }
        else
        {
            Make($"{Root}/cpu/{_name}");
            string cpu = Make($"{Root}/cpu/{_name}/{node}");
            File.WriteAllText($"{cpu}/cpu.cfs_period_us", Period.ToString(CultureInfo.InvariantCulture));
            File.WriteAllText($"{cpu}/cpu.cfs_quota_us", quota);
            tasks.Add($"{cpu}/tasks");
            if (memoryMiB is { } mib)
            {
                Make($"{Root}/memory/{_name}");
                string memory = Make($"{Root}/memory/{_name}/{node}");
                File.WriteAllText($"{memory}/memory.limit_in_bytes", ((long)mib << 20).ToString(CultureInfo.InvariantCulture));
                tasks.Add($"{memory}/tasks");
            }
        }
        _tasksFiles[node] = tasks;
    }

    /// <summary>A command prefix that runs what follows inside <paramref name="node"/>'s groups.</summary>
    public IReadOnlyList<string> Launcher(string node)
    {
        string join = string.Join("; ", _tasksFiles[node].Select(f => $"echo $$ > {f}"));
        return ["/bin/sh", "-c", $"{join}; exec \"$@\"", "sh"];
    }

    private string Make(string dir)
    {
        if (!Directory.Exists(dir))
        {
            Directory.CreateDirectory(dir);
            _made.Add(dir);
        }
        return dir;
    }

    /// <summary>Removes the groups (children first), waiting briefly for their last tasks to be reaped.</summary>
    public void Dispose()
    {
        foreach (var dir in Enumerable.Reverse(_made))
        {
            for (int attempt = 0; attempt < 50 && Directory.Exists(dir); attempt++)
            {
                try
                {
                    Directory.Delete(dir); // rmdir: a group's control files are not files to delete
                }
                catch (IOException)
                {
                    Thread.Sleep(100);
                }
            }
        }
    }
}
