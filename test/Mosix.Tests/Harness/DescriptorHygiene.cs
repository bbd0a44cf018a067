using System.Globalization;
using System.Runtime.InteropServices;
using NUnit.Framework;

namespace Mosix.Tests;

/// <summary>
/// Before any test: every descriptor above 2 that this test host was started with gets
/// close-on-exec. Whatever started <c>dotnet test</c> may have left a pipe open in it; every
/// program the tests start would inherit that pipe, and a program holding a pipe to an outside
/// process rightly cannot be checkpointed. The test host itself never uses such descriptors.
/// </summary>
[SetUpFixture]
public sealed class DescriptorHygiene
{
    private const int F_GETFD = 1, F_SETFD = 2, FD_CLOEXEC = 1;

    // DllImport, as in Harness/Libc.cs: the test project does not allow unsafe code; ints only.
    [DllImport("libc", EntryPoint = "fcntl")]
    private static extern int Fcntl(int fd, int command, int argument);

    [OneTimeSetUp]
    public void MarkInheritedDescriptorsCloseOnExec()
    {
        foreach (string link in Directory.GetFiles("/proc/self/fd"))
        {
            if (!int.TryParse(Path.GetFileName(link), CultureInfo.InvariantCulture, out int fd) || fd <= 2)
                continue;
            int flags = Fcntl(fd, F_GETFD, 0);
            if (flags >= 0 && (flags & FD_CLOEXEC) == 0)
                Fcntl(fd, F_SETFD, flags | FD_CLOEXEC);
        }
    }
}
