using Mosix.Tests.Harness;
using NUnit.Framework;

namespace Mosix.Tests.Checkpoint;

/// <summary>The built commands these tests run besides <see cref="RepoPaths.Mosrun"/>.</summary>
public static class Commands
{
    /// <summary><c>bin/migrate</c>; fails the test with a hint when the build has not made it.</summary>
    public static string Migrate
    {
        get
        {
            string path = Path.Combine(RepoPaths.Root, "bin", "migrate");
            if (!File.Exists(path))
                Assert.Fail($"{path} does not exist: build it first with ./build.sh");
            return path;
        }
    }
}
