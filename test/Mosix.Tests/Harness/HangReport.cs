using System.Text;

namespace Mosix.Tests.Harness;

/// <summary>
/// What a hung command's processes were doing when the test gave up on it: for each process and
/// thread, its state, where it sleeps in the kernel, its tracer and its pending, blocked, ignored
/// and caught signals. Put in the failure message, so a hang seen once in CI can be read after.
/// </summary>
public static class HangReport
{
    private static readonly string[] s_statusFields = ["State", "TracerPid", "SigQ", "SigPnd", "ShdPnd", "SigBlk", "SigIgn", "SigCgt"];

    /// <summary>The processes of <paramref name="roots"/>' trees (each root and its descendants).</summary>
    public static string Of(params int[] roots)
    {
        var all = ProcessTree.All();
        var text = new StringBuilder();
        var seen = new HashSet<int>();
        foreach (int root in roots)
            Describe(root, all, seen, text, depth: 0);
        return text.ToString();
    }

    private static void Describe(int pid, List<ProcessTree.ProcInfo> all, HashSet<int> seen, StringBuilder text, int depth)
    {
        if (!seen.Add(pid) || ProcessTree.Read(pid) is not { } info)
            return;
        string indent = new(' ', 2 * depth + 4);
        text.AppendLine($"{indent}{info}");
        foreach (string task in Tasks(pid))
            text.AppendLine($"{indent}  task {Path.GetFileName(task)}: {Status(task)} wchan {Read(Path.Combine(task, "wchan"))}");
        foreach (var child in all.Where(p => p.ParentPid == pid))
            Describe(child.Pid, all, seen, text, depth + 1);
    }

    private static IEnumerable<string> Tasks(int pid)
    {
        try
        {
            return Directory.GetDirectories($"/proc/{pid}/task").Order(StringComparer.Ordinal);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    private static string Status(string task)
    {
        var fields = Read(Path.Combine(task, "status")).Split('\n')
            .Select(line => line.Split(':', 2))
            .Where(kv => kv.Length == 2 && s_statusFields.Contains(kv[0]))
            .Select(kv => $"{kv[0]} {kv[1].Trim()}");
        return string.Join(", ", fields);
    }

    private static string Read(string path)
    {
        try
        {
            return File.ReadAllText(path).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "?";
        }
    }
}
