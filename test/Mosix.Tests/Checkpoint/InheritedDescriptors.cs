using System.Globalization;
using NUnit.Framework;

namespace Mosix.Tests.Checkpoint;

/// <summary>
/// A precondition of every checkpoint test: the test host holds no pipe, socket or other unnamed descriptor above
/// 2 without close-on-exec. Every command the harness starts inherits such a descriptor (a pipe left open by
/// whatever started <c>dotnet test</c>, say), and a program holding one rightly cannot be checkpointed: every
/// test would fail with "file descriptor N is a pipe" and say nothing about Mosix. (An inherited regular file or
/// device is harmless: it has a name to be reopened by.)
/// </summary>
public static class InheritedDescriptors
{
    private const int OCloexec = 0x80000; // O_CLOEXEC, 02000000 octal (fcntl.h)

    private static readonly Lazy<string?> Problem = new(Find);

    /// <summary>Fails the test, naming the descriptors, when the host would pass any on to the programs.</summary>
    public static void AssertNoneLeak()
    {
        if (Problem.Value is { } problem)
            Assert.Fail(problem);
    }

    private static string? Find()
    {
        var leaks = new List<string>();
        foreach (string link in Directory.GetFiles("/proc/self/fd"))
        {
            if (!int.TryParse(Path.GetFileName(link), CultureInfo.InvariantCulture, out int fd) || fd <= 2)
                continue;
            try
            {
                string? flags = File.ReadLines($"/proc/self/fdinfo/{fd}").FirstOrDefault(l => l.StartsWith("flags:", StringComparison.Ordinal));
                string target = new FileInfo(link).LinkTarget ?? "";
                if (flags is null || (Convert.ToInt32(flags[6..].Trim(), 8) & OCloexec) != 0 || target.StartsWith('/'))
                    continue;
                leaks.Add($"{fd} -> {target}");
            }
            catch (IOException)
            {
                // closed meanwhile (the enumeration's own descriptor, for one)
            }
        }
        return leaks.Count == 0 ? null :
            $"the test host has unnamed descriptors without close-on-exec, which every program it starts inherits and which " +
            $"make a checkpoint refuse rightly ({string.Join(", ", leaks)}); start dotnet test with them closed, e.g. `{string.Join(' ', leaks.Select(l => l.Split(' ')[0] + "<&-"))} dotnet test ...`";
    }
}
