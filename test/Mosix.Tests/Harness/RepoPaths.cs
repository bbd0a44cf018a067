using NUnit.Framework;

namespace Mosix.Tests.Harness;

/// <summary>Where the built pieces the tests run live: the repository root, <c>bin/mosrun</c>, <c>bin/tests/*</c>.</summary>
/// <remarks>
/// The root is the nearest folder above the test assembly that holds <c>Mosix.slnx</c>. The environment
/// variable <c>MOSIX_ROOT</c> overrides it; it exists only to check the harness itself against a stand-in
/// root (a pass-through <c>bin/mosrun</c>), never for real runs.
/// </remarks>
public static class RepoPaths
{
    public const string RootOverrideVariable = "MOSIX_ROOT";

    private static readonly Lazy<string> LazyRoot = new(FindRoot);

    public static string Root => LazyRoot.Value;

    /// <summary><c>bin/mosrun</c>; fails the test with a hint when the build has not made it.</summary>
    public static string Mosrun => RequireFile(Path.Combine(Root, "bin", "mosrun"), "./build.sh");

    /// <summary><c>bin/tests/NAME</c>, built from <c>test/programs/NAME.c</c>; fails the test when missing.</summary>
    public static string TestProgram(string name) =>
        RequireFile(Path.Combine(Root, "bin", "tests", name), "./build.sh (it runs make -C test/programs)");

    private static string RequireFile(string path, string howToBuild)
    {
        if (!File.Exists(path))
            Assert.Fail($"{path} does not exist: build it first with {howToBuild}");
        return path;
    }

    private static string FindRoot()
    {
        string? overridden = Environment.GetEnvironmentVariable(RootOverrideVariable);
        if (!string.IsNullOrEmpty(overridden))
            return Path.GetFullPath(overridden);

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Mosix.slnx")))
                return dir.FullName;
        }
        throw new InvalidOperationException($"No Mosix.slnx above {AppContext.BaseDirectory}; set {RootOverrideVariable}?");
    }
}
